/**
 * CSV for people to open in a spreadsheet: quoted where needed, and a cell that a
 * spreadsheet would run as a formula (starting with = + - @ or a tab or carriage return)
 * is prefixed with an apostrophe, as OWASP advises against CSV injection.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRows(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
