import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresMetadataStore } from '../../src/adapters/postgres/index.js';
import { migrations } from '../../src/adapters/postgres/migrations.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { metadataStoreContract } from './metadata-store.contract.js';

const postgres = await requirePostgres('metadata-store.postgres');
const schemas: string[] = [];

/** Every store of a run lives in a schema of its own, dropped when the file ends. */
const openInFreshSchema = async () => {
  const schema = uniqueSchemaName();
  schemas.push(schema);
  const options = { connectionString: TEST_POSTGRES_URL, schema };
  return { store: await openPostgresMetadataStore(options), reopen: () => openPostgresMetadataStore(options) };
};

afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`MetadataStore contract: PostgreSQL ${postgres.reason}`, () => {
  metadataStoreContract(openInFreshSchema);
});

describe.skipIf(!postgres.available)(`PostgreSQL adapter specifics ${postgres.reason}`, () => {
  it('creates the tables inside its schema and records the migrations', async () => {
    const { store } = await openInFreshSchema();
    await store.close();
    const schema = schemas.at(-1) ?? '';
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining([
          'alias_history',
          'model_aliases',
          'model_versions',
          'models',
          'schema_migrations',
          'version_tags',
        ]),
      );
      const applied = await client.query<{ id: number }>(`SELECT id FROM "${schema}".schema_migrations ORDER BY id`);
      expect(applied.rows.map((row) => row.id)).toEqual(migrations.map((m) => m.id));
    } finally {
      await client.end();
    }
  });

  it('migrates once when several stores open a new schema at the same time', async () => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openPostgresMetadataStore({ connectionString: TEST_POSTGRES_URL, schema })),
    );
    const version = await stores[0]?.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'x', sizeBytes: 1 });
    expect(await stores[3]?.getVersion('m', 1)).toEqual(version);
    for (const store of stores) await store.close();
  });

  it('refuses a schema migrated by a newer mlpatterns', async () => {
    const { store } = await openInFreshSchema();
    await store.close();
    const schema = schemas.at(-1) ?? '';
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations (id, name, applied_at) VALUES ($1, $2, now())`, [
      999,
      'future',
    ]);
    await client.end();
    await expect(openPostgresMetadataStore({ connectionString: TEST_POSTGRES_URL, schema })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(
      openPostgresMetadataStore({ connectionString: TEST_POSTGRES_URL, schema: 'x"; DROP TABLE y; --' }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('PostgreSQL unreachable', () => {
  it('fails with STORE_UNAVAILABLE, naming the server but not the password', async () => {
    const err = await openPostgresMetadataStore({
      connectionString: 'postgres://postgres:s3cret@127.0.0.1:1/test',
      connectionTimeoutMillis: 2000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    const message = (err as Error).message;
    expect(message).toContain('127.0.0.1:1');
    expect(message).not.toContain('s3cret');
  });
});
