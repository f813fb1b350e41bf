import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsArtifactStore } from '../../src/adapters/fs/index.js';
import { openArtifactStore, openMetadataStore } from '../../src/adapters/open-stores.js';
import { PostgresMetadataStore } from '../../src/adapters/postgres/index.js';
import { SqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';

const postgres = await requirePostgres('open-stores');

describe('openMetadataStore', () => {
  let dir: string;
  const schema = uniqueSchemaName();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlp-open-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (postgres.available) await dropSchemas([schema]);
  });

  it.each([
    ['sqlite:', (d: string) => `sqlite:${join(d, 'a.db')}`, 'a.db'],
    ['sqlite:///', (d: string) => `sqlite://${join(d, 'b.db')}`, 'b.db'],
    ['a plain path', (d: string) => join(d, 'c', 'c.db'), 'c/c.db'],
  ])('opens SQLite from %s', async (_label, url, file) => {
    const store = await openMetadataStore(url(dir));
    expect(store).toBeInstanceOf(SqliteMetadataStore);
    await store.close();
    await access(join(dir, file));
  });

  it('opens an in-memory SQLite from :memory: and sqlite::memory:', async () => {
    for (const url of [':memory:', 'sqlite::memory:']) {
      const store = await openMetadataStore(url);
      expect(await store.listModels()).toEqual([]);
      await store.close();
    }
  });

  it.skipIf(!postgres.available)(`opens PostgreSQL from postgres:// with ?schema= ${postgres.reason}`, async () => {
    const store = await openMetadataStore(`${TEST_POSTGRES_URL}?schema=${schema}`);
    expect(store).toBeInstanceOf(PostgresMetadataStore);
    await store.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'x', sizeBytes: 1 });
    await store.close();
    const again = await openMetadataStore(`${TEST_POSTGRES_URL.replace(/^postgresql:/, 'postgres:')}?schema=${schema}`);
    expect((await again.getModel('m'))?.latestVersion).toBe(1);
    await again.close();
  });

  it('fails with STORE_UNAVAILABLE when PostgreSQL cannot be reached', async () => {
    const err = await openMetadataStore('postgresql://postgres:pw@127.0.0.1:1/test').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((err as Error).message).toMatch(
      /^Storage backend unavailable: PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/,
    );
  });

  it('rejects a scheme it has no adapter for', async () => {
    await expect(openMetadataStore('mysql://localhost/db')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('openArtifactStore', () => {
  it('opens the filesystem store from a path, a file: URL or file:relative', async () => {
    const root = join(tmpdir(), 'mlp-open-artifacts');
    expect(((await openArtifactStore(root)) as FsArtifactStore).root).toBe(root);
    expect(((await openArtifactStore(pathToFileURL(root).href)) as FsArtifactStore).root).toBe(root);
    expect(((await openArtifactStore('file:rel/arts')) as FsArtifactStore).root).toBe(join(process.cwd(), 'rel', 'arts'));
    expect(await openArtifactStore('')).toBeInstanceOf(FsArtifactStore);
  });

  it('rejects a scheme it has no adapter for', async () => {
    await expect(openArtifactStore('s3://bucket/prefix')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
