import { resolveConfig } from '../../src/config/load-config.js';
import { isMlError } from '../../src/errors/ml-error.js';

/** The CONFIG_INVALID message a raw config produces; fails the test when it is accepted. */
export function problemsOf(raw: unknown): string {
  try {
    resolveConfig(raw);
  } catch (err) {
    if (isMlError(err) && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}
