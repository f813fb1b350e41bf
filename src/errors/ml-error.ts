import { ERROR_CODES, type ErrorCode } from './codes.js';

export type ErrorParams = Record<string, string | number | boolean | undefined>;

/**
 * The single error type of the project. It carries a stable `code`, the HTTP
 * status from the registry, and the original `cause` for logs.
 */
export class MlError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(formatMessage(code, params), options);
    this.name = 'MlError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.params = params;
  }

  toJSON(): { error: string; code: ErrorCode } {
    return { error: this.message, code: this.code };
  }
}

export function formatMessage(code: ErrorCode, params: ErrorParams): string {
  return ERROR_CODES[code].message.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    return value === undefined ? `{${key}}` : String(value);
  });
}

export function isMlError(err: unknown): err is MlError {
  return err instanceof MlError;
}

/** Wraps any thrown value as an MlError, keeping MlErrors untouched. */
export function toMlError(err: unknown): MlError {
  if (err instanceof MlError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new MlError('INTERNAL', { reason }, { cause: err });
}
