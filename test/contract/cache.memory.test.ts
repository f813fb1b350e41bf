import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/adapters/memory/cache.js';
import { cacheContract } from './cache.contract.js';

describe('Cache contract: memory', () => {
  cacheContract(async () => new MemoryCache());
});

describe('memory adapter specifics', () => {
  it('never holds more than maxEntries, evicting the least recently used', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.setMany([['a', '1'], ['b', '2']], 10_000);
    await cache.getMany(['a']); // a is now more recent than b
    await cache.setMany([['c', '3']], 10_000);
    expect(cache.size).toBe(2);
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual(['1', undefined, '3']);
    for (let i = 0; i < 1000; i++) await cache.setMany([[`k${i}`, 'v']], 10_000);
    expect(cache.size).toBe(2);
  });

  it('expires on its clock', async () => {
    let now = 1000;
    const cache = new MemoryCache({ now: () => now });
    await cache.setMany([['a', '1']], 100);
    now = 1099;
    expect(await cache.getMany(['a'])).toEqual(['1']);
    now = 1100;
    expect(await cache.getMany(['a'])).toEqual([undefined]);
    expect(cache.size).toBe(0); // an expired entry found on read is dropped
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new MemoryCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
