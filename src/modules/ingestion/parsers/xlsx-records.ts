import ExcelJS from 'exceljs';
import type { Readable } from 'node:stream';
import type { CsvRecord } from './csv-records.ts';
import { FileRefusedError, MAX_COLUMNS, tooManyColumns } from './file-errors.ts';

/**
 * Rows of the first worksheet of an .xlsx workbook, streamed (exceljs WorkbookReader), as
 * text cells with the sheet row number as `line`, in the same shape as CSV records so
 * one row pipeline serves both.
 *
 * Date cells become 'YYYY-MM-DDTHH:MM:SS' (or 'YYYY-MM-DD' at midnight) from their
 * wall-clock components: Excel stores no time zone, and exceljs hands them over as if
 * they were UTC.
 */
export async function* readXlsxBatches(input: Readable): AsyncGenerator<CsvRecord[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    // Styles are needed to tell a date cell from a number.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let started = false;
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        started = true;
        const values = row.values as unknown[];
        // row.values is 1-based and sparse; a stray cell far to the right makes it huge.
        if (values.length - 1 > MAX_COLUMNS) throw tooManyColumns(values.length - 1, row.number);
        const cells: string[] = new Array<string>(Math.max(0, values.length - 1));
        let blank = true;
        for (let c = 1; c < values.length; c++) {
          const text = cellText(values[c]);
          cells[c - 1] = text;
          if (blank && text.trim() !== '') blank = false;
        }
        if (!blank) yield [{ line: row.number, cells }];
      }
      // Only the first worksheet is read: further sheets are usually pivots or notes.
      break;
    }
  } catch (err) {
    if (err instanceof FileRefusedError) throw err;
    throw new FileRefusedError(
      'unreadable',
      started
        ? 'The Excel workbook could not be read to the end; it may be damaged. Open it in Excel, save it again as .xlsx (or as CSV) and upload it again.'
        : 'The file could not be read as an Excel workbook (.xlsx). If it is an older .xls file or a CSV file, save it as .xlsx or upload it as CSV.',
      [{ line: 0, field: '(file)', reason: 'not a readable .xlsx workbook' }],
    );
  } finally {
    input.destroy();
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return '';
    const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    // A date cell and a date-time at midnight look the same; midnight is read as "no time recorded".
    if (ms % 86_400_000 === 0) return date;
    return `${date}T${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['richText'])) return (v['richText'] as Array<{ text?: unknown }>).map((r) => String(r.text ?? '')).join('');
    // A formula's stored result is what the sender saw; the formula itself is not kept.
    if ('result' in v) return cellText(v['result']);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if ('text' in v) return cellText(v['text']);
    if ('error' in v) return '';
  }
  return String(value);
}
