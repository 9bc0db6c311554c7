import type { RowProblem } from '../incident.types.ts';

/**
 * Stands in for a cell that looked like personal data in the raw row kept for quarantine:
 * a depersonalised store must not end up holding the identifier it refused.
 */
export const WITHHELD = '[withheld: looks like personal data]';

/** Problems are rare, so a linear look is cheaper than keeping a set per row. */
export function hasProblemFor(problems: RowProblem[] | null, field: string): boolean {
  if (problems === null) return false;
  for (const p of problems) if (p.field === field) return true;
  return false;
}

/**
 * The row as received, keyed by header, for quarantine. Cells past the header are kept as
 * "column N"; cells that looked like personal data are replaced by WITHHELD.
 */
export function buildRawRow(headerCells: readonly string[], cells: readonly string[], withheld: readonly number[] | null): Record<string, string> {
  const raw: Record<string, string> = {};
  const width = Math.max(cells.length, headerCells.length);
  for (let i = 0; i < width; i++) {
    const name = i < headerCells.length ? headerCells[i]! : '';
    let key = name || `column ${i + 1}`;
    if (Object.hasOwn(raw, key)) key = `${key} (column ${i + 1})`;
    raw[key] = withheld !== null && withheld.includes(i) ? WITHHELD : (cells[i] ?? '');
  }
  return raw;
}
