import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisCache } from '../../src/adapters/redis/cache.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';
import { cacheContract } from './cache.contract.js';

const redis = await requireRedis('cache.redis');
const prefixes: string[] = [];
const fresh = (): RedisCache => {
  const prefix = uniqueKeyPrefix();
  prefixes.push(prefix);
  return new RedisCache({ url: TEST_REDIS_URL, prefix });
};

afterAll(async () => {
  if (redis.available) await deleteKeys(prefixes);
});

describe.skipIf(!redis.available)(`Cache contract: redis ${redis.reason}`, () => {
  cacheContract(async () => fresh());
});

describe.skipIf(!redis.available)(`redis adapter specifics ${redis.reason}`, () => {
  it('writes under its prefix with a TTL, so entries age out on the server too', async () => {
    const cache = fresh();
    await cache.setMany([['k', 'v']], 60_000);
    const probe = new Redis(TEST_REDIS_URL);
    try {
      const ttl = await probe.pttl(`${prefixes.at(-1) ?? ''}k`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      probe.disconnect();
      await cache.close();
    }
  });
});

describe('redis adapter when Redis is down', () => {
  it('fails fast, every call, instead of queueing', async () => {
    const cache = new RedisCache({ url: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await expect(cache.getMany(['k'])).rejects.toThrow();
        await expect(cache.setMany([['k', 'v']], 1000)).rejects.toThrow();
        expect(performance.now() - started).toBeLessThan(1000);
      }
    } finally {
      await cache.close();
    }
  });
});
