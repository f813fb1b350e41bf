import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../bench/queue-redis.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';

const redis = await requireRedis('bench queue-redis');

describe.skipIf(!redis.available)(`bench BullMQ key cleanup ${redis.reason}`, () => {
  const base = uniqueKeyPrefix('mlp_bench_test');
  afterAll(() => deleteKeys([base]));

  it("deletes every key of the run's prefix and nothing beside it", async () => {
    const client = new Redis(TEST_REDIS_URL);
    try {
      const mine = `${base}run:`;
      // More keys than one SCAN page, so the cursor loop is exercised.
      const keys = Array.from({ length: 2500 }, (_, i) => `${mine}bench:${i}`);
      for (let i = 0; i < keys.length; i += 500) await client.mset(...keys.slice(i, i + 500).flatMap((k) => [k, '1']));
      await client.set(`${base}runner:kept`, '1'); // shares the text "run" but not the "run:" prefix
      expect(await deleteKeysWithPrefix(TEST_REDIS_URL, mine)).toBe(2500);
      expect(await client.exists(keys[0] ?? '', keys[2499] ?? '')).toBe(0);
      expect(await client.get(`${base}runner:kept`)).toBe('1');
    } finally {
      client.disconnect();
    }
  });

  it('refuses a prefix that could match keys of others', async () => {
    await expect(deleteKeysWithPrefix(TEST_REDIS_URL, 'mlp:')).rejects.toThrow(/short prefix/);
    await expect(deleteKeysWithPrefix(TEST_REDIS_URL, 'mlp-bench-1234')).rejects.toThrow(/short prefix/);
  });
});
