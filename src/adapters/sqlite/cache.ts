import type { Cache } from '../../ports/cache.js';
import { openDatabase, Statements, type SqliteDatabase } from './session.js';

export interface SqliteCacheOptions {
  /** Database file (its folder is created); `:memory:` for a private, unshared one. */
  readonly path: string;
  /** How often expired rows are swept out; 0 turns the sweep off. @default 60000 */
  readonly cleanupIntervalMs?: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

/** SQLite caps the `?` of one statement (32766 by default); batches are read in chunks well below it. */
const READ_CHUNK = 500;

interface Row {
  readonly key: string;
  readonly value: string;
  readonly expires_at: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS cache_entries (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cache_entries_expires_at ON cache_entries (expires_at);`;

/**
 * The Cache port on an embedded SQLite file: entries survive a restart of the
 * server, and a CLI (`mlpatterns cache warm`) can fill the file the server reads
 * (WAL: the reader and the writer never block each other). Expired rows are
 * never answered; they are deleted when a read finds them and by a periodic
 * sweep, so the file does not grow with keys nobody asks for again.
 *
 * The database opens on first use, so building the adapter costs no I/O and an
 * unopenable file fails each call (the caller counts it and serves the model).
 */
export class SqliteCache implements Cache {
  readonly #path: string;
  readonly #now: () => number;
  readonly #cleanupIntervalMs: number;
  #db: SqliteDatabase | undefined;
  #statements: Statements | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SqliteCacheOptions) {
    this.#path = options.path;
    this.#now = options.now ?? Date.now;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const sql = this.#open();
    const now = this.#now();
    const found = new Map<string, Row>();
    for (let at = 0; at < keys.length; at += READ_CHUNK) {
      const chunk = keys.slice(at, at + READ_CHUNK);
      const rows = sql
        .sql<Row>(`SELECT key, value, expires_at FROM cache_entries WHERE key IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk);
      for (const row of rows) found.set(row.key, row);
    }
    const expired = [...found.values()].filter((row) => row.expires_at <= now);
    if (expired.length > 0) this.#deleteExpired(expired.map((row) => row.key), now);
    return keys.map((key) => {
      const row = found.get(key);
      return row && row.expires_at > now ? row.value : undefined;
    });
  }

  async setMany(entries: readonly (readonly [key: string, value: string])[], ttlMs: number): Promise<void> {
    if (entries.length === 0) return;
    const sql = this.#open();
    const expiresAt = this.#now() + ttlMs;
    const upsert = sql.sql(
      'INSERT INTO cache_entries (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    );
    // One transaction per batch: one fsync (at checkpoint), not one per entry.
    sql.db.transaction(() => {
      for (const [key, value] of entries) upsert.run(key, value, expiresAt);
    })();
  }

  /** Deletes every expired row now (the periodic sweep); answers how many went. */
  async purgeExpired(): Promise<number> {
    const sql = this.#open();
    return sql.sql('DELETE FROM cache_entries WHERE expires_at <= ?').run(this.#now()).changes;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#db?.close();
    this.#db = undefined;
    this.#statements = undefined;
  }

  #open(): Statements {
    if (this.#closed) throw new Error('the SQLite cache is closed');
    if (this.#statements) return this.#statements;
    const db = openDatabase(this.#path);
    try {
      db.exec(SCHEMA);
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
    this.#statements = new Statements(db);
    if (this.#cleanupIntervalMs > 0) {
      this.#sweep = setInterval(() => void this.purgeExpired().catch(() => undefined), this.#cleanupIntervalMs);
      this.#sweep.unref(); // the sweep never keeps a process alive
    }
    return this.#statements;
  }

  /** Only rows still expired are deleted: another process may have rewritten one since it was read. */
  #deleteExpired(keys: readonly string[], now: number): void {
    const sql = this.#statements;
    if (!sql) return;
    const remove = sql.sql('DELETE FROM cache_entries WHERE key = ? AND expires_at <= ?');
    sql.db.transaction(() => {
      for (const key of keys) remove.run(key, now);
    })();
  }
}
