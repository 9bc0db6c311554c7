/** Minimal RFC 4180 writing: the generators must quote exactly where real exports do, no more. */

/** A cell quoted only when it must be (comma, quote or line break), like Excel and police.uk. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(value) : value;
  if (/[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** '29199' -> '29,199': ONS publishes IMD ranks with thousands separators (then quotes them). */
export function withThousands(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const BOM = '\uFEFF';
