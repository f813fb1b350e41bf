import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { migrations as postgresMigrations } from '../../src/adapters/postgres/migrations.js';
import { migrations as sqliteMigrations } from '../../src/adapters/sqlite/migrations.js';
import { metadataStoreContract } from './metadata-store.contract.js';

const dirs: string[] = [];
const freshPath = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-sqlite-'));
  dirs.push(dir);
  return join(dir, 'nested', 'mlpatterns.db');
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('MetadataStore contract: SQLite file', () => {
  metadataStoreContract(async () => {
    const path = await freshPath();
    return { store: await openSqliteMetadataStore({ path }), reopen: () => openSqliteMetadataStore({ path }) };
  });
});

describe('SQLite adapter specifics', () => {
  it('works in memory, each store private', async () => {
    const a = await openSqliteMetadataStore({ path: ':memory:' });
    const b = await openSqliteMetadataStore({ path: ':memory:' });
    await a.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    expect(await b.listModels()).toEqual([]);
    await a.close();
    await b.close();
  });

  it('uses WAL and records applied migrations', async () => {
    const path = await freshPath();
    const store = await openSqliteMetadataStore({ path });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = db.prepare<[], { id: number }>('SELECT id FROM schema_migrations ORDER BY id').all();
    expect(applied.map((row) => row.id)).toEqual(sqliteMigrations.map((m) => m.id));
    db.close();
  });

  it('stamps timestamps with the injected clock', async () => {
    const store = await openSqliteMetadataStore({ path: ':memory:', now: () => new Date('2024-05-06T07:08:09.010Z') });
    const version = await store.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    expect(version.createdAt).toBe('2024-05-06T07:08:09.010Z');
    await store.close();
  });

  it('refuses a database migrated by a newer mlpatterns', async () => {
    const path = await freshPath();
    await (await openSqliteMetadataStore({ path })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', 'x');
    db.close();
    await expect(openSqliteMetadataStore({ path })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('reports a database it cannot open as STORE_UNAVAILABLE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlp-sqlite-'));
    dirs.push(dir);
    // A folder where the file should be.
    await expect(openSqliteMetadataStore({ path: dir })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('keeps migration ids strictly increasing and in step with PostgreSQL', () => {
    const ids = sqliteMigrations.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(postgresMigrations.map((m) => [m.id, m.name])).toEqual(sqliteMigrations.map((m) => [m.id, m.name]));
  });
});
