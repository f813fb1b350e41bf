/**
 * A key → value cache with a time to live (the Cache port, docs/architecture.md).
 * It declares only the calls the prediction cache uses: a batch read and a batch
 * write, so a batch of instances costs one round trip to a remote store.
 *
 * Values are strings (JSON): every adapter hands back a fresh copy, so a caller
 * that mutates a result cannot corrupt the cached one.
 */
export interface Cache {
  /** The value of each key, `undefined` where absent or expired; in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores each entry for `ttlMs` milliseconds. */
  setMany(entries: readonly (readonly [key: string, value: string])[], ttlMs: number): Promise<void>;
  /** Releases connections; the cache is not used afterwards. */
  close(): Promise<void>;
}
