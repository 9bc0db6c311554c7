/**
 * Every error a user can meet has a code. Codes are declared here, with the HTTP status
 * each maps to, so that the mapping is exhaustive and lives in one place. The message is
 * written for the user; `internal` carries detail for logs only.
 */
export const ERROR_STATUS = {
  'not-found-or-no-access': 404,
  'unauthenticated': 401,
  'invalid-input': 400,
  'conflict': 409,
  'no-active-agreement': 403,
  'export-not-allowed': 403,
  'file-refused': 422,
  'geography-invalid': 422,
  'rate-limited': 429,
  'pdf-unavailable': 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class LanternError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly internal: string | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; internal?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LanternError';
    this.code = code;
    this.details = options.details;
    this.internal = options.internal;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The one denial message: it never reveals whether the record exists. */
export function notFoundOrNoAccess(): LanternError {
  return new LanternError('not-found-or-no-access', 'Not found, or you do not have access to it.');
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
