/**
 * One value in PostgreSQL's COPY text format (rows are tab-separated lines): `\N` for
 * NULL, and backslash, tab, newline and carriage return escaped.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
