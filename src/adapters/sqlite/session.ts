import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { MlError } from '../../errors/ml-error.js';

export type SqliteDatabase = Database.Database;

/** Opens the database file (creating its folder) with the settings every store relies on. */
export function openDatabase(path: string): SqliteDatabase {
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const db = new Database(path);
    // WAL: readers (the server) never block the writer (a CLI register) and vice versa.
    db.pragma('journal_mode = WAL');
    // Another process holding the write lock: wait for it rather than fail with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Durable at every checkpoint and never corrupt under WAL; full fsync per commit buys little.
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    throw new MlError('STORE_UNAVAILABLE', { reason: `cannot open SQLite database ${path}: ${messageOf(err)}` }, { cause: err });
  }
}

/**
 * Prepared statements by SQL text: preparing costs more than running, and
 * query functions can then keep their SQL inline where it is read.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: SqliteDatabase) {}

  sql<Row = unknown>(source: string): Statement<unknown[], Row> {
    let statement = this.cache.get(source);
    if (statement === undefined) {
      statement = this.db.prepare(source);
      this.cache.set(source, statement);
    }
    return statement as Statement<unknown[], Row>;
  }

  /** `get` for statements that always produce a row (RETURNING, counters). */
  one<Row>(source: string, ...params: unknown[]): Row {
    const row = this.sql<Row>(source).get(...params);
    if (row === undefined) throw new MlError('INTERNAL', { reason: 'a query that returns a row returned none' });
    return row;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Lock and I/O failures mean the store is unusable right now, not that the request was wrong. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof MlError || !(err instanceof Error)) return err;
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB)/.test(errorCode(err))) {
    return new MlError('STORE_UNAVAILABLE', { reason: `SQLite: ${err.message}` }, { cause: err });
  }
  return err;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
