import pg from 'pg';
import { runTransaction } from '../adapters/postgres/run-transaction.js';
import { openDatabase, type SqliteDatabase } from '../adapters/sqlite/session.js';
import type { TableLocation } from './locations.js';

/** The little the batch readers and writers need of a SQL database, for PostgreSQL and SQLite alike. */
export interface SqlTable {
  readonly dialect: 'postgres' | 'sqlite';
  /** The placeholder of the n-th (1-based) parameter: `$n` or `?`. */
  param(n: number): string;
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs the statements in one transaction. */
  transaction(statements: readonly { sql: string; params: readonly unknown[] }[]): Promise<void>;
  close(): Promise<void>;
}

export async function openSqlTable(location: TableLocation): Promise<SqlTable> {
  return location.kind === 'postgres' ? openPostgres(location.url) : openSqlite(location.path);
}

async function openPostgres(url: string): Promise<SqlTable> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    dialect: 'postgres',
    param: (n) => `$${n}`,
    query: async (sql, params) => (await pool.query(sql, [...params])).rows as Record<string, unknown>[],
    transaction: (statements) => runTransaction(pool, statements),
    close: () => pool.end(),
  };
}

async function openSqlite(path: string): Promise<SqlTable> {
  const db: SqliteDatabase = openDatabase(path);
  const run = (sql: string, params: readonly unknown[]): Record<string, unknown>[] => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
    statement.run(...params);
    return [];
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
    close: async () => {
      db.close();
    },
  };
}
