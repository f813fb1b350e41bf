import pg from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { MlError } from '../../errors/ml-error.js';

export interface PoolSettings {
  readonly connectionString: string;
  /** Schema holding the tables; `undefined` keeps the server's search_path. */
  readonly schema?: string | undefined;
  readonly max?: number | undefined;
  readonly connectionTimeoutMillis?: number | undefined;
}

/** What query functions need: a pool for single statements or a client inside a transaction. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

/** Sort by code point, as SQLite does, whatever the database's collation. */
export const BY_CODE_POINT = 'COLLATE "C"';

/** Plain lower-case identifiers only: the schema name ends up in SQL and in a startup option. */
export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(settings: PoolSettings): Pool {
  if (settings.schema !== undefined && !SCHEMA_PATTERN.test(settings.schema)) {
    throw new MlError('STORE_UNAVAILABLE', { reason: `invalid PostgreSQL schema name "${settings.schema}"` });
  }
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMillis,
    // Every connection of the pool works inside the schema, so queries stay unqualified.
    ...(settings.schema === undefined ? {} : { options: `-c search_path=${settings.schema}` }),
  });
  // An idle connection dropped by the server emits 'error' on the pool; without
  // a listener that would crash the process. The next query reports it instead.
  pool.on('error', () => undefined);
  return pool;
}

export async function withTransaction<T>(
  pool: Pool,
  fn: (tx: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  // A connection whose ROLLBACK fails is in an unknown state: destroy it rather than pool it.
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/**
 * Connection, authentication and server-shutdown failures mean the store is
 * unreachable, not that the request was wrong: STORE_UNAVAILABLE (503).
 */
export function toStoreError(err: unknown, connectionString: string): unknown {
  if (err instanceof MlError || !(err instanceof Error)) return err;
  const state = sqlState(err);
  const unreachable =
    NETWORK_CODES.has(state) ||
    /^(08|28|57P|3D000|53)/.test(state) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(err.message);
  if (!unreachable) return err;
  const reason = `PostgreSQL at ${redact(connectionString)}: ${err.message || state}`;
  return new MlError('STORE_UNAVAILABLE', { reason }, { cause: err });
}

/** The URL without its password, for messages and logs. */
export function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'the configured server';
  }
}

function sqlState(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
