import { MlError } from '../../src/errors/ml-error.js';

/** The code of the MlError `fn` throws; `undefined` when it returns, a "not an MlError" text for any other throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof MlError ? err.code : `not an MlError: ${String(err)}`;
  }
  return undefined;
}

/** `"<code>: <message>"` of the MlError `work` rejects with; any other outcome fails the test. */
export async function errorTextOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (err) {
    if (err instanceof MlError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected an MlError');
}
