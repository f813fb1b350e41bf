import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Cache } from '../../src/ports/cache.js';

/**
 * The one contract every Cache adapter passes (style.md #2). The factory opens
 * a cache over fresh, empty storage.
 */
export type CacheFactory = () => Promise<Cache>;

export function cacheContract(open: CacheFactory): void {
  let cache: Cache;

  beforeEach(async () => {
    cache = await open();
  });

  afterEach(async () => {
    await cache.close();
  });

  it('answers what was set, in the order asked, undefined for the rest', async () => {
    await cache.setMany([['a', '{"r":1}'], ['b', 'two']], 10_000);
    expect(await cache.getMany(['b', 'missing', 'a'])).toEqual(['two', undefined, '{"r":1}']);
  });

  it('an empty batch costs nothing and answers nothing', async () => {
    await cache.setMany([], 10_000);
    expect(await cache.getMany([])).toEqual([]);
  });

  it('a later set replaces the value', async () => {
    await cache.setMany([['k', 'old']], 10_000);
    await cache.setMany([['k', 'new']], 10_000);
    expect(await cache.getMany(['k'])).toEqual(['new']);
  });

  it('forgets an entry once its TTL has passed', async () => {
    await cache.setMany([['short', 'x']], 30);
    await cache.setMany([['long', 'y']], 10_000);
    await new Promise((r) => setTimeout(r, 80));
    expect(await cache.getMany(['short', 'long'])).toEqual([undefined, 'y']);
  });

  it('keeps values byte for byte (unicode, JSON)', async () => {
    const value = JSON.stringify({ r: [0.1, 1e-7, -0], l: 'sétosa ✓' });
    await cache.setMany([['u', value]], 10_000);
    expect(await cache.getMany(['u'])).toEqual([value]);
  });
}
