import { Redis } from 'ioredis';
import type { Cache } from '../../ports/cache.js';

export interface RedisCacheOptions {
  /** @example "redis://127.0.0.1:6379" */
  readonly url: string;
  /** Prepended to every key, so several deployments (or test runs) can share one server. @default "mlp:cache:" */
  readonly prefix?: string;
  /** A command slower than this fails (and the caller bypasses the cache). @default 100 */
  readonly commandTimeoutMs?: number;
  /** @default 1000 */
  readonly connectTimeoutMs?: number;
}

/**
 * The Cache port on Redis (ioredis). Built to fail open: a cache must never be
 * the reason a prediction fails or waits. So the connection is opened on first
 * use, commands time out quickly, and while Redis is unreachable every call
 * fails at once (no offline queue piling up requests) — the caller counts the
 * error and serves from the model. ioredis keeps reconnecting in the background,
 * so the cache comes back by itself when Redis does.
 */
export class RedisCache implements Cache {
  readonly #client: Redis;
  #connecting: Promise<void> | undefined;

  constructor(options: RedisCacheOptions) {
    this.#client = new Redis(options.url, {
      keyPrefix: options.prefix ?? 'mlp:cache:',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 100,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // Keep trying, at most every 2 s: recovery needs no restart.
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    // Connection errors surface as failed commands, which the caller counts;
    // without a listener ioredis would print each reconnect failure.
    this.#client.on('error', () => undefined);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    await this.#ready();
    const values = await this.#client.mget(...keys);
    return values.map((v) => v ?? undefined);
  }

  async setMany(entries: readonly (readonly [key: string, value: string])[], ttlMs: number): Promise<void> {
    if (entries.length === 0) return;
    await this.#ready();
    const pipeline = this.#client.pipeline();
    for (const [key, value] of entries) pipeline.set(key, value, 'PX', ttlMs);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async close(): Promise<void> {
    if (this.#client.status === 'ready') await this.#client.quit().catch(() => undefined);
    this.#client.disconnect();
  }

  /** Opens the connection on first use; afterwards a cache that is not connected fails fast. */
  async #ready(): Promise<void> {
    if (this.#client.status === 'wait') this.#connecting ??= this.#client.connect().catch(() => undefined);
    if (this.#connecting) await this.#connecting;
    if (this.#client.status !== 'ready') throw new Error(`Redis cache unavailable (${this.#client.status})`);
  }
}
