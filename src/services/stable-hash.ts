import { mulberry32 } from '../stats/random.js';

/**
 * FNV-1a (32-bit) over the UTF-16 code units of a string. Traffic decisions are
 * derived from it (never from Math.random) so that a replay of the same request
 * ids takes the same decisions: the same requests mirrored, the same variants.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A uniform number in [0, 1) determined by `text`. The hash seeds mulberry32,
 * whose output mixes the bits far better than the raw FNV value: ids that differ
 * only in their last character still land far apart.
 */
export function unitHash(text: string): number {
  return mulberry32(fnv1a(text))();
}
