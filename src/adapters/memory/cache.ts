import type { Cache } from '../../ports/cache.js';

export interface MemoryCacheOptions {
  /** Entries kept at most; the least recently used goes first. @default 10000 */
  readonly maxEntries?: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * An in-process LRU cache with a TTL per entry and a hard entry bound. A Map
 * iterates in insertion order, so re-inserting on every read keeps the least
 * recently used entry first, where eviction takes it: O(1) per call, and memory
 * never grows past `maxEntries` however many distinct keys arrive.
 */
export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#now = options.now ?? Date.now;
  }

  /** Entries held now, expired ones not yet evicted included. */
  get size(): number {
    return this.#entries.size;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const now = this.#now();
    return keys.map((key) => {
      const entry = this.#entries.get(key);
      if (!entry) return undefined;
      this.#entries.delete(key);
      if (entry.expiresAt <= now) return undefined;
      this.#entries.set(key, entry); // most recently used now
      return entry.value;
    });
  }

  async setMany(entries: readonly (readonly [key: string, value: string])[], ttlMs: number): Promise<void> {
    const expiresAt = this.#now() + ttlMs;
    for (const [key, value] of entries) {
      this.#entries.delete(key);
      this.#entries.set(key, { value, expiresAt });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
