import { matchesQuery, queryLimit, type EventLog, type EventPage, type EventQuery, type PredictionRecord } from '../../ports/event-log.js';
import { invalidCursor } from '../../ports/event-log.js';
import { EventLogWriterThread } from './event-log-thread.js';
import { openDatabase, Statements, type SqliteDatabase } from './session.js';

export interface SqliteEventLogOptions {
  /** Database file (its folder is created); `:memory:` for a private one. */
  readonly path: string;
  /**
   * Append from a thread of its own (queries stay on the caller's thread, a
   * second connection: WAL lets them read while the writer writes). What the
   * server uses, so inserts never take the serving thread's time. @default false
   */
  readonly writeOffThread?: boolean;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS prediction_log (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  service TEXT,
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS prediction_log_request_id ON prediction_log (request_id);
CREATE INDEX IF NOT EXISTS prediction_log_at ON prediction_log (at);
CREATE TABLE IF NOT EXISTS prediction_log_keys (
  seq INTEGER NOT NULL REFERENCES prediction_log (seq) ON DELETE CASCADE,
  key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS prediction_log_keys_key ON prediction_log_keys (key, seq);`;

/**
 * The EventLog port on an embedded SQLite file (WAL): the default sink, one
 * machine. Each batch is one transaction (a few hundred records cost about as
 * much as one, and a failed batch stores nothing). The whole record is kept as
 * JSON; the columns it is filtered by are kept beside it. Indexes are few on
 * purpose (request id, time, keys): each one is paid on every prediction, so
 * model and service filters scan the time range (docs/prediction-log.md).
 */
export class SqliteEventLog implements EventLog {
  readonly #path: string;
  #db: SqliteDatabase | undefined;
  #statements: Statements | undefined;
  readonly #writer: EventLogWriterThread | undefined;

  constructor(options: SqliteEventLogOptions) {
    this.#path = options.path;
    this.#writer = options.writeOffThread ? new EventLogWriterThread(options.path) : undefined;
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.#writer) return this.#writer.append(records);
    const sql = this.#open();
    const insert = sql.sql(
      'INSERT INTO prediction_log (kind, at, request_id, service, model, version, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const insertKey = sql.sql('INSERT INTO prediction_log_keys (seq, key) VALUES (?, ?)');
    sql.db.transaction(() => {
      for (const r of records) {
        const result = insert.run(r.kind, Date.parse(r.timestamp), r.request_id, r.service ?? null, r.model, r.version, JSON.stringify(r));
        if (!r.keys) continue;
        for (const key of new Set(r.keys.map(String))) insertKey.run(result.lastInsertRowid, key);
      }
    })();
  }

  async query(query: EventQuery): Promise<EventPage> {
    const sql = this.#open();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      params.push(value);
    };
    if (query.after !== undefined) add('p.seq > ?', cursorSeq(query.after));
    if (query.kind !== undefined) add('p.kind = ?', query.kind);
    if (query.service !== undefined) add('p.service = ?', query.service);
    if (query.model !== undefined) add('p.model = ?', query.model);
    if (query.version !== undefined) add('p.version = ?', query.version);
    if (query.requestId !== undefined) add('p.request_id = ?', query.requestId);
    if (query.since !== undefined) add('p.at >= ?', query.since.getTime());
    if (query.until !== undefined) add('p.at <= ?', query.until.getTime());
    if (query.key !== undefined) add('EXISTS (SELECT 1 FROM prediction_log_keys k WHERE k.seq = p.seq AND k.key = ?)', query.key);
    const limit = queryLimit(query);
    // One more than asked: whether it exists says if there is a next page.
    const rows = sql.db
      .prepare(`SELECT p.seq, p.record FROM prediction_log p ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.seq LIMIT ?`)
      .all(...params, limit + 1) as { seq: number; record: string }[];
    const page = rows.slice(0, limit);
    const records = page.map((row) => JSON.parse(row.record) as PredictionRecord).filter((r) => matchesQuery(r, query));
    const last = page.at(-1);
    return rows.length > limit && last ? { records, next: String(last.seq) } : { records };
  }

  async close(): Promise<void> {
    await this.#writer?.close();
    this.#db?.close();
    this.#db = undefined;
    this.#statements = undefined;
  }

  #open(): Statements {
    if (!this.#statements) {
      const db = openDatabase(this.#path);
      // Request ids are random: their index takes inserts all over the B-tree, which
      // costs a page read per record once the index outgrows SQLite's 2 MB default cache.
      db.pragma('cache_size = -65536');
      db.exec(SCHEMA);
      this.#db = db;
      this.#statements = new Statements(db);
    }
    return this.#statements;
  }
}

function cursorSeq(cursor: string): number {
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
  if (!Number.isSafeInteger(seq)) throw invalidCursor(cursor);
  return seq;
}
