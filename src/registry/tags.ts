import { MlError } from '../errors/ml-error.js';

/** Generous limits: tags are free-form labels, but they travel in headers, logs and URLs. */
const MAX_KEY = 256;
const MAX_VALUE = 4096;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Rejects empty or oversized keys and control characters (which would forge log lines). */
export function assertTags(tags: Readonly<Record<string, string | null>>): void {
  for (const [key, value] of Object.entries(tags)) {
    const problem =
      key === '' || key.length > MAX_KEY || CONTROL.test(key)
        ? `invalid tag key ${JSON.stringify(key)}`
        : value !== null && (typeof value !== 'string' || value.length > MAX_VALUE || CONTROL.test(value))
          ? `invalid value for tag "${key}"`
          : undefined;
    if (problem !== undefined) throw new MlError('INVALID_REQUEST', { reason: problem });
  }
}
