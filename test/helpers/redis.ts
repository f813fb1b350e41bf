import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis server the suites run against.
 * @default "redis://127.0.0.1:6379" (override with MLPATTERNS_TEST_REDIS_URL)
 */
export const TEST_REDIS_URL = process.env.MLPATTERNS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisAvailability {
  readonly available: boolean;
  /** Why the suite is skipped; `''` when available. */
  readonly reason: string;
}

/**
 * Checks that the test server answers. When it does not: in CI (`CI=true`)
 * throws, because a suite that silently skips there hides regressions;
 * elsewhere warns and reports it unavailable so the caller can skip, e.g.
 *
 *   const redis = await requireRedis('cache.redis');
 *   describe.skipIf(!redis.available)(`redis ${redis.reason}`, () => { ... });
 */
export async function requireRedis(suite: string, url = TEST_REDIS_URL): Promise<RedisAvailability> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { available: true, reason: '' };
  } catch (err) {
    const detail = err instanceof Error ? err.message || String((err as { code?: unknown }).code) : String(err);
    const message = `Redis is not reachable at ${url} (${detail}); suite "${suite}" needs it`;
    if (process.env.CI === 'true') throw new Error(`${message}. In CI this is a failure, not a skip.`, { cause: err });
    console.warn(`[skip] ${message}. Skipping (set CI=true to make this fail).`);
    return { available: false, reason: `(skipped: ${message})` };
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other run uses, so suites can run in parallel against one server. */
export function uniqueKeyPrefix(prefix = 'mlp_test'): string {
  return `${prefix}:${process.pid}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under the prefixes. */
export async function deleteKeys(prefixes: readonly string[], url = TEST_REDIS_URL): Promise<void> {
  if (prefixes.length === 0) return;
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}
