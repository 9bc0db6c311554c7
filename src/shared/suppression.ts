/**
 * Small-number suppression for figures shown outside the analyst role: a count from 1 to
 * threshold − 1 is hidden (primary), and when a group of cells is published with its
 * total, one more cell is hidden whenever exactly one was, so that the hidden count cannot
 * be worked out by subtraction (secondary). Zero is not disclosive and is shown.
 */
export type SuppressedCell = { value: number | null; suppressed: boolean; reason: 'primary' | 'secondary' | null };

export function suppressGroup(counts: readonly number[], threshold: number): SuppressedCell[] {
  const cells: SuppressedCell[] = counts.map((value) =>
    value > 0 && value < threshold ? { value: null, suppressed: true, reason: 'primary' } : { value, suppressed: false, reason: null });
  const hidden = cells.filter((c) => c.suppressed).length;
  if (hidden === 1) {
    // Hide the smallest other non-zero cell: the least information lost.
    let pick = -1;
    counts.forEach((value, i) => {
      if (cells[i]!.suppressed || value === 0) return;
      if (pick === -1 || value < counts[pick]!) pick = i;
    });
    if (pick >= 0) cells[pick] = { value: null, suppressed: true, reason: 'secondary' };
  }
  return cells;
}
