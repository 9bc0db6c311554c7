import type { RowProblem } from '../incident.types.ts';

/**
 * Why a whole file was refused. A refused file changes nothing: the upload report shows
 * the message and the problems, and no row is stored.
 */
export type FileRefusalCode =
  | 'missing-columns'
  | 'unexpected-columns'
  | 'duplicate-columns'
  | 'personal-data-column'
  | 'too-many-columns'
  | 'bad-quoting'
  | 'oversized-field'
  | 'empty-file'
  | 'unreadable'
  | 'invalid-mapping'
  | 'invalid-submission-header';

/**
 * Thrown (from the parser's async generator) when a file cannot be read row by row at all.
 * `problems` use line 0 for the file as a whole (headers, mapping) or the physical line
 * where the CSV syntax broke. Messages are written for the person who uploaded the file,
 * and never quote cell values, which may be personal.
 */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
  readonly code: FileRefusalCode;
  readonly problems: RowProblem[];

  constructor(code: FileRefusalCode, message: string, problems: RowProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

export function isFileRefusedError(err: unknown): err is FileRefusedError {
  return err instanceof FileRefusedError;
}

/** "A", "A and B", "A, B and C": column lists in messages read as English; a long list is cut short. */
export function listInEnglish(items: readonly string[], max = 10): string {
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** More columns than this is not a feed we know (or has a stray cell far to the right). */
export const MAX_COLUMNS = 500;

export function tooManyColumns(count: number, line = 0): FileRefusedError {
  return new FileRefusedError(
    'too-many-columns',
    `${line > 0 ? `Row ${line}` : 'The header'} has ${count} columns; at most ${MAX_COLUMNS} can be read. Delete the unused columns (or any stray value far to the right) and upload again.`,
    [{ line, field: line > 0 ? '(row)' : '(header)', reason: `more than ${MAX_COLUMNS} columns` }],
  );
}
