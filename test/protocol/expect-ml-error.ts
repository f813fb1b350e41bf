import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors/codes.js';
import { MlError } from '../../src/errors/ml-error.js';

/** Runs `fn`, asserts it throws an MlError with `code` (and a message matching `message`), returns it. */
export function expectMlError(fn: () => unknown, code: ErrorCode, message?: string | RegExp): MlError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code} to be thrown`).toBeInstanceOf(MlError);
  const err = caught as MlError;
  expect(err.code, err.message).toBe(code);
  if (typeof message === 'string') expect(err.message).toContain(message);
  else if (message !== undefined) expect(err.message).toMatch(message);
  return err;
}
