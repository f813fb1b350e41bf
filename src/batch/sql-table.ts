import Database from 'better-sqlite3';
import pg from 'pg';
import { runTransaction } from '../adapters/postgres/run-transaction.js';
import { openDatabase, type SqliteDatabase } from '../adapters/sqlite/session.js';

/** A SQL database: a PostgreSQL connection string or a SQLite file (a TableLocation is one too). */
export type SqlDatabaseLocation = { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'sqlite'; readonly path: string };

/** The little the batch readers and writers (and the data sources, src/data) need of a SQL database, for PostgreSQL and SQLite alike. */
export interface SqlTable {
  readonly dialect: 'postgres' | 'sqlite';
  /** The placeholder of the n-th (1-based) parameter: `$n` or `?`. */
  param(n: number): string;
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs the statements in one transaction. */
  transaction(statements: readonly { sql: string; params: readonly unknown[] }[]): Promise<void>;
  /**
   * The rows of one read-only query, `pageRows` at a time, never all in memory:
   * PostgreSQL reads them through a cursor in a READ ONLY transaction, SQLite
   * iterates its statement. A statement that would write is refused. int8 and
   * numeric columns arrive as numbers (as strings past 2^53 or when not finite),
   * like the Parquet reader's int64 cells.
   */
  stream(sql: string, pageRows: number): AsyncGenerator<Record<string, unknown>[]>;
  /** The column names a read-only query returns, without reading its rows. */
  columns(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenSqlOptions {
  /** SQLite: open an existing file read-only (nothing created, no pragmas written). @default false */
  readonly readOnly?: boolean;
}

export async function openSqlTable(location: SqlDatabaseLocation, options: OpenSqlOptions = {}): Promise<SqlTable> {
  return location.kind === 'postgres' ? openPostgres(location.url) : openSqlite(location.path, options.readOnly === true);
}

async function openPostgres(url: string): Promise<SqlTable> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    dialect: 'postgres',
    param: (n) => `$${n}`,
    query: async (sql, params) => (await pool.query(sql, [...params])).rows as Record<string, unknown>[],
    transaction: (statements) => runTransaction(pool, statements),
    stream: (sql, pageRows) => postgresPages(pool, sql, pageRows),
    columns: (sql) =>
      readOnly(pool, async (client) => {
        const result = await client.query({ text: `SELECT * FROM (${sql}) AS mlp_columns LIMIT 0`, types: NUMBER_TYPES });
        return result.fields.map((f) => f.name);
      }),
    close: () => pool.end(),
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 (count(*), bigserial) and numeric as numbers: models want numbers, and these are what pg leaves as strings. */
const NUMBER_TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID || oid === NUMERIC_OID) {
      return (text: string) => {
        const value = Number(text);
        const exact = oid === NUMERIC_OID ? Number.isFinite(value) : Number.isSafeInteger(value);
        return exact ? value : text;
      };
    }
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text') as (text: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

async function readOnly<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function* postgresPages(pool: pg.Pool, sql: string, pageRows: number): AsyncGenerator<Record<string, unknown>[]> {
  const client = await pool.connect();
  let committed = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE mlp_rows NO SCROLL CURSOR FOR ${sql}`);
    for (;;) {
      const result = await client.query({ text: `FETCH ${pageRows} FROM mlp_rows`, types: NUMBER_TYPES });
      if (result.rows.length > 0) yield result.rows as Record<string, unknown>[];
      if (result.rows.length < pageRows) break;
    }
    await client.query('COMMIT');
    committed = true;
  } finally {
    // Also when the reader stops early (the generator is returned): the cursor dies with the transaction.
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

async function openSqlite(path: string, readOnlyFile: boolean): Promise<SqlTable> {
  const db: SqliteDatabase = readOnlyFile ? openReadOnly(path) : openDatabase(path);
  const run = (sql: string, params: readonly unknown[]): Record<string, unknown>[] => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
    statement.run(...params);
    return [];
  };
  const readQuery = (sql: string): Database.Statement => {
    const statement = db.prepare(sql);
    if (!statement.reader || !statement.readonly) throw new Error('only a read-only query that returns rows (SELECT …) can be read');
    return statement;
  };
  return {
    dialect: 'sqlite',
    param: () => '?',
    query: async (sql, params) => run(sql, params),
    transaction: async (statements) => {
      db.transaction(() => {
        for (const s of statements) run(s.sql, s.params);
      })();
    },
    stream: async function* (sql, pageRows) {
      let page: Record<string, unknown>[] = [];
      for (const row of readQuery(sql).iterate() as IterableIterator<Record<string, unknown>>) {
        page.push(row);
        if (page.length >= pageRows) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },
    columns: async (sql) => readQuery(sql).columns().map((c) => c.name),
    close: async () => {
      db.close();
    },
  };
}

/** An existing file only, read-only: a data source must neither create a database nor change its journal mode. */
function openReadOnly(path: string): SqliteDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}
