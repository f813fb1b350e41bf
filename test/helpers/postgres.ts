import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the suites run against.
 * @default "postgresql://postgres@127.0.0.1:5432/test" (override with MLPATTERNS_TEST_POSTGRES_URL)
 */
export const TEST_POSTGRES_URL =
  process.env.MLPATTERNS_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface PostgresAvailability {
  readonly available: boolean;
  /** Why the suite is skipped; `''` when available. */
  readonly reason: string;
}

/**
 * Checks that the test server answers. When it does not: in CI (`CI=true`)
 * throws, because a suite that silently skips there hides regressions;
 * elsewhere warns and reports it unavailable so the caller can skip, e.g.
 *
 *   const pg = await requirePostgres('metadata-store.postgres');
 *   describe.skipIf(!pg.available)(`postgres ${pg.reason}`, () => { ... });
 */
export async function requirePostgres(suite: string, url = TEST_POSTGRES_URL): Promise<PostgresAvailability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, reason: '' };
  } catch (err) {
    const detail = err instanceof Error ? err.message || String((err as { code?: unknown }).code) : String(err);
    const message = `PostgreSQL is not reachable at ${url} (${detail}); suite "${suite}" needs it`;
    if (process.env.CI === 'true') throw new Error(`${message}. In CI this is a failure, not a skip.`, { cause: err });
    console.warn(`[skip] ${message}. Skipping (set CI=true to make this fail).`);
    return { available: false, reason: `(skipped: ${message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other run uses, so suites can run in parallel against one database. */
export function uniqueSchemaName(prefix = 'mlp_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
}

/** Drops test schemas and everything in them. */
export async function dropSchemas(schemas: readonly string[], url = TEST_POSTGRES_URL): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) {
      // Identifiers cannot be bound as parameters; names come from uniqueSchemaName.
      await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}
