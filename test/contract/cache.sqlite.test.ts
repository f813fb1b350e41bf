import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteCache } from '../../src/adapters/sqlite/cache.js';
import { cacheContract } from './cache.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-cache-sqlite-'));
let files = 0;
const freshPath = (): string => path.join(dir, `cache-${files++}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Cache contract: sqlite', () => {
  cacheContract(async () => new SqliteCache({ path: freshPath() }));
});

describe('sqlite adapter specifics', () => {
  const rowsIn = (file: string): number => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM cache_entries').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('entries survive closing and reopening the file (a server restart)', async () => {
    const file = freshPath();
    const first = new SqliteCache({ path: file });
    await first.setMany([['a', '1'], ['b', '2']], 60_000);
    await first.close();
    const second = new SqliteCache({ path: file });
    try {
      expect(await second.getMany(['a', 'b', 'c'])).toEqual(['1', '2', undefined]);
    } finally {
      await second.close();
    }
  });

  it('expires on its clock and deletes an expired row when a read finds it', async () => {
    let now = 1000;
    const file = freshPath();
    const cache = new SqliteCache({ path: file, now: () => now });
    try {
      await cache.setMany([['a', '1'], ['b', '2']], 100);
      now = 1099;
      expect(await cache.getMany(['a'])).toEqual(['1']);
      now = 1100;
      expect(await cache.getMany(['a'])).toEqual([undefined]);
      expect(rowsIn(file)).toBe(1); // "a" is gone, "b" (not read) waits for the sweep
      expect(await cache.purgeExpired()).toBe(1);
      expect(rowsIn(file)).toBe(0);
    } finally {
      await cache.close();
    }
  });

  it('the periodic sweep deletes expired rows nobody reads', async () => {
    let now = 0;
    const file = freshPath();
    const cache = new SqliteCache({ path: file, now: () => now, cleanupIntervalMs: 10 });
    try {
      await cache.setMany([['old', 'x']], 5);
      now = 10;
      const deadline = Date.now() + 5000;
      while (rowsIn(file) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(rowsIn(file)).toBe(0);
    } finally {
      await cache.close();
    }
  });

  it('reads batches larger than one statement can bind', async () => {
    const cache = new SqliteCache({ path: freshPath() });
    try {
      const entries = Array.from({ length: 1200 }, (_, i): [string, string] => [`k${i}`, `v${i}`]);
      await cache.setMany(entries, 60_000);
      const values = await cache.getMany(entries.map(([k]) => k));
      expect(values).toEqual(entries.map(([, v]) => v));
    } finally {
      await cache.close();
    }
  });

  it('opens in WAL mode, so a second process can write while the server reads', async () => {
    const file = freshPath();
    const cache = new SqliteCache({ path: file });
    try {
      await cache.setMany([['a', '1']], 60_000);
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    } finally {
      await cache.close();
    }
  });

  it('a file that cannot be opened fails each call instead of the constructor', async () => {
    const notADir = path.join(dir, 'a-file');
    writeFileSync(notADir, 'x');
    const cache = new SqliteCache({ path: path.join(notADir, 'cache.sqlite') }); // its folder is a file
    await expect(cache.getMany(['a'])).rejects.toThrow();
    await cache.close();
  });
});
