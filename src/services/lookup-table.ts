import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { runTransaction } from '../adapters/postgres/run-transaction.js';
import { parseTable, quoteIdent, type TableLocation } from '../batch/locations.js';

/** One answer to write back into a results table. */
export interface LookupWrite {
  readonly key: string;
  readonly value: unknown;
  readonly label?: string | undefined;
}

/** The little a lookup node needs of a results table, for PostgreSQL and SQLite alike. */
export interface LookupTable {
  /** The rows whose key column is one of `keys`, by the key's text. */
  read(keys: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Upserts answers on the key column (which must be unique: batch outputs' is the primary key). */
  write(rows: readonly LookupWrite[], column: string, labelColumn: string | undefined): Promise<void>;
}

/** A connection to one database: a pg pool or a SQLite file, opened on first use. */
interface Connection {
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  transaction(statements: readonly { sql: string; params: readonly unknown[] }[]): Promise<void>;
  readonly dialect: 'postgres' | 'sqlite';
  close(): Promise<void>;
}

/** SQLite allows 32766 parameters per statement; a few hundred keys per read keep statements cacheable. */
const SQLITE_CHUNK = 500;

/**
 * The connections of every lookup node, one per database (and timeout), shared
 * by the nodes that read it and kept across config reloads. Nothing connects
 * until a request needs it; a database that is down is retried on the next
 * request, never remembered as failed.
 */
export class LookupConnections {
  readonly #connections = new Map<string, Connection>();

  constructor(private readonly stateDir: string) {}

  /** The table a node reads; `source` is checked by the schema, so parsing cannot fail here. */
  table(source: string, keyColumn: string, timeoutMs: number): LookupTable {
    const location = this.#locate(source);
    const connection = (): Connection => this.#connect(location, timeoutMs);
    const table = quoteIdent(location.table);
    const k = quoteIdent(keyColumn);
    const readRows = async (conn: Connection, keys: readonly string[]): Promise<Map<string, Record<string, unknown>>> => {
      const rows: Record<string, unknown>[] = [];
      if (conn.dialect === 'postgres') {
        // `= ANY($1)` lets the server cast the texts to the key column's type (text or integer keys alike).
        rows.push(...(await conn.query(`SELECT * FROM ${table} WHERE ${k} = ANY($1)`, [keys])));
      } else {
        for (let at = 0; at < keys.length; at += SQLITE_CHUNK) {
          const chunk = keys.slice(at, at + SQLITE_CHUNK);
          rows.push(...(await conn.query(`SELECT * FROM ${table} WHERE ${k} IN (${chunk.map(() => '?').join(', ')})`, chunk)));
        }
      }
      return new Map(rows.map((row) => [String(row[keyColumn]), row]));
    };
    return {
      // The request waits at most `timeoutMs` for the table; a slower read is abandoned (its connection finishes in the background).
      read: (keys) => withDeadline(readRows(connection(), keys), timeoutMs, location.table),
      write: async (rows, column, labelColumn) => {
        const conn = connection();
        const columns = [keyColumn, column, ...(labelColumn !== undefined ? [labelColumn] : [])].map(quoteIdent);
        const params = columns.map((_, i) => (conn.dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ');
        const updates = columns.slice(1).map((c) => `${c} = excluded.${c}`).join(', ');
        const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params}) ON CONFLICT (${k}) DO UPDATE SET ${updates}`;
        await conn.transaction(
          rows.map((r) => ({ sql, params: [r.key, JSON.stringify(r.value), ...(labelColumn !== undefined ? [r.label ?? null] : [])] })),
        );
      },
    };
  }

  async close(): Promise<void> {
    const open = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  }

  #locate(source: string): TableLocation {
    const location = parseTable(source, 'source');
    if (!location) throw new Error(`lookup source "${source}" is not postgres://…?table=T or sqlite:<path>?table=T`);
    if (location.kind === 'sqlite') {
      // Relative to the state directory, like `store: sqlite` cache files (parseTable resolved it against the working directory).
      const raw = source.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '').replace(/\?.*$/, '');
      return { ...location, path: path.resolve(this.stateDir, raw) };
    }
    return location;
  }

  #connect(location: TableLocation, timeoutMs: number): Connection {
    const id = `${location.kind}:${location.kind === 'postgres' ? location.url : location.path}:${timeoutMs}`;
    let connection = this.#connections.get(id);
    if (!connection) {
      connection = location.kind === 'postgres' ? postgresConnection(location.url, timeoutMs) : sqliteConnection(location.path, timeoutMs);
      this.#connections.set(id, connection);
    }
    return connection;
  }
}

function postgresConnection(url: string, timeoutMs: number): Connection {
  // A pool connects on first query. Reads are bounded by their deadline (withDeadline); the pool's own
  // limits are looser, so a connection slow to open under load still serves the next read and write-backs.
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: Math.max(timeoutMs, 5000), query_timeout: Math.max(timeoutMs, 10_000) });
  pool.on('error', () => undefined); // an idle connection dropped by the server: the next query reports it
  return {
    dialect: 'postgres',
    query: async (sql, params) => (await pool.query(sql, [...params])).rows as Record<string, unknown>[],
    transaction: (statements) => runTransaction(pool, statements),
    close: () => pool.end(),
  };
}

/** Opened on first use and only if the file exists: a lookup must never create an empty results database. */
function sqliteConnection(file: string, timeoutMs: number): Connection {
  let db: Database.Database | undefined;
  const open = (): Database.Database => {
    if (!db) {
      const opened = new Database(file, { fileMustExist: true });
      opened.pragma(`busy_timeout = ${Math.floor(timeoutMs)}`);
      db = opened;
    }
    return db;
  };
  return {
    dialect: 'sqlite',
    query: async (sql, params) => open().prepare(sql).all(...params) as Record<string, unknown>[],
    transaction: async (statements) => {
      const conn = open();
      conn.transaction(() => {
        for (const s of statements) conn.prepare(s.sql).run(...s.params);
      }).immediate();
    },
    close: async () => {
      db?.close();
      db = undefined;
    },
  };
}

/** Rejects when `promise` has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number, table: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`reading ${table} took longer than ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // abandoned after the deadline: its failure is no longer anyone's
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
