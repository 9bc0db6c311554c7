/**
 * PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL, and
 * backslash, tab, newline and carriage return escaped inside values.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function copyLine(values: ReadonlyArray<string | number | null | undefined>): string {
  let line = copyValue(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${copyValue(values[i])}`;
  return `${line}\n`;
}
