import { bytesFloats, floatBytes } from './event-log-floats.js';

/**
 * How the SQLite prediction log finds records by request id or key.
 *
 * A B-tree index on the ids themselves takes each insert at a random place: a
 * batch of 2,000 records dirtied about as many index pages, each written to
 * the WAL and checkpointed again, a cost that grew with the file (it was most
 * of the writer's time past 100,000 records). Instead, each id and key is
 * hashed into one of LOOKUP_BUCKETS buckets, and a stored block adds one row
 * per bucket it has entries for: (bucket, block's first seq) → the entries'
 * (hash, seq) pairs. A batch thus writes at most 64 small rows, each at the
 * end of its bucket, whatever the file's size. A lookup reads its bucket's
 * rows (about one per block: ~500 rows, 250 KB, per million records) and keeps
 * the seqs whose full hash matches; the record itself is then checked, so a
 * collision never answers a wrong record. More buckets would not make lookups
 * of big blocks read fewer rows, only each batch write more of them.
 *
 * The hash is part of the file format: never change it (files written with it
 * would no longer find their records).
 */

/** Buckets of prediction_log_lookup. Part of the file format. */
export const LOOKUP_BUCKETS = 64;

/** What an entry names: the hash of a request id and of an equal key differ. */
export const LOOKUP_TAG = { requestId: 1, key: 2 } as const;

/**
 * A 52-bit hash of a tagged string (two 32-bit FNV-1a lanes, murmur3's
 * finaliser on each): exact in a double, an INTEGER in SQLite.
 */
export function lookupHash(tag: number, s: string): number {
  return lookupHashOf(tag, s, 0, s.length);
}

/** lookupHash of `text.slice(start, end)`, without making the slice (the writer hashes ids inside a batch's text). */
export function lookupHashOf(tag: number, text: string, start: number, end: number): number {
  let a = (0x811c9dc5 ^ tag) >>> 0;
  let b = (0x050c5d1f ^ Math.imul(tag, 0x9e3779b1)) >>> 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (fmix(a) >>> 0) * 0x100000 + (fmix(b) & 0xfffff);
}

/** The bucket an entry with this hash is filed in. */
export function lookupBucket(hash: number): number {
  return hash % LOOKUP_BUCKETS;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Entries of one block, by bucket: (hash, seq) pairs as float64s (both exact below 2^53), little-endian. */
export class LookupEntries {
  readonly #byBucket = new Map<number, number[]>();

  add(tag: number, value: string, seq: number): void {
    this.addHash(lookupHash(tag, value), seq);
  }

  addHash(hash: number, seq: number): void {
    const bucket = lookupBucket(hash);
    let entries = this.#byBucket.get(bucket);
    if (entries === undefined) this.#byBucket.set(bucket, (entries = []));
    entries.push(hash, seq);
  }

  /** The rows to store: bucket and packed entries. */
  *rows(): Generator<[number, Buffer]> {
    for (const [bucket, entries] of this.#byBucket) {
      yield [bucket, floatBytes(Float64Array.from(entries))];
    }
  }
}

/** The seqs (ascending, after `after`) of the entries in `blob` whose hash is `hash`. */
export function matchingSeqs(blob: Buffer, hash: number, after: number, into: number[]): void {
  const entries = bytesFloats(blob);
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const seq = entries[i + 1] ?? 0;
    if (entries[i] === hash && seq > after) into.push(seq);
  }
}
