import { MlError } from '../errors/ml-error.js';

/**
 * Artifact keys double as relative paths (fs) and object names (S3), so they
 * are restricted to segments that are safe everywhere: no "..", no absolute
 * paths, no separators other than "/", nothing starting with "." (adapters
 * keep their own bookkeeping under dot-names).
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

export function assertArtifactKey(key: string): string[] {
  const segments = key.split('/');
  const valid = segments.every((segment) => SEGMENT.test(segment) && !segment.includes('..'));
  if (!valid) throw new MlError('INVALID_REQUEST', { reason: `invalid artifact key "${key}"` });
  return segments;
}
