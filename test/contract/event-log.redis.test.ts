import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisEventLog } from '../../src/adapters/redis/event-log.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';
import { eventLogContract, record } from './event-log.contract.js';

const redis = await requireRedis('event-log.redis');
const prefixes: string[] = [];
const freshKey = (): string => {
  const prefix = uniqueKeyPrefix();
  prefixes.push(prefix);
  return `${prefix}predictions`;
};

afterAll(async () => {
  if (redis.available) await deleteKeys(prefixes);
});

describe.skipIf(!redis.available)(`EventLog contract: redis ${redis.reason}`, () => {
  eventLogContract(async () => new RedisEventLog({ url: TEST_REDIS_URL, key: freshKey() }));
});

describe.skipIf(!redis.available)(`redis event log specifics ${redis.reason}`, () => {
  it('trims the stream to about maxLength entries', async () => {
    const key = freshKey();
    const log = new RedisEventLog({ url: TEST_REDIS_URL, key, maxLength: 100 });
    const probe = new Redis(TEST_REDIS_URL);
    try {
      for (let i = 0; i < 10; i++) await log.append(Array.from({ length: 100 }, () => record()));
      const length = await probe.xlen(key);
      expect(length).toBeGreaterThanOrEqual(100);
      expect(length).toBeLessThan(1000);
    } finally {
      probe.disconnect();
      await log.close();
    }
  });
});

describe('redis event log when Redis is down', () => {
  it('append and query fail fast instead of queueing', async () => {
    const log = new RedisEventLog({ url: 'redis://127.0.0.1:1' });
    try {
      const started = performance.now();
      await expect(log.append([record()])).rejects.toThrow();
      await expect(log.query({})).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await log.close();
    }
  });
});
