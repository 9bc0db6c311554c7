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

/** "A", "A and B", "A, B and C": column lists in messages read as English. */
export function listInEnglish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
