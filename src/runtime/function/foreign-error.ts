import { ERROR_CODES, type ErrorCode } from '../../errors/codes.js';
import { MlError, type ErrorParams } from '../../errors/ml-error.js';

/**
 * User modules may throw MlError to reject a request on purpose (e.g.
 * INVALID_REQUEST). A module loaded through tsx or from another copy of this
 * package gets its own MlError class, so `instanceof` fails; recognise such
 * errors by shape and rebuild them here so their code and status survive.
 */
export function asMlError(err: unknown): MlError | undefined {
  if (err instanceof MlError) return err;
  if (!(err instanceof Error) || err.name !== 'MlError') return undefined;
  const { code, params } = err as Error & { code?: unknown; params?: unknown };
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) return undefined;
  const safeParams = typeof params === 'object' && params !== null ? (params as ErrorParams) : {};
  return new MlError(code as ErrorCode, safeParams, { cause: err });
}
