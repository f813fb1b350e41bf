import type { PredictionRecord } from '../../ports/event-log.js';
import { BLOCK_FORMAT, kindBit, recordLine } from './event-log-blocks.js';
import { LOOKUP_TAG, LookupEntries } from './event-log-lookup.js';
import type { SqliteDatabase } from './session.js';

/** `PRAGMA user_version` of a prediction log file in the current layout (blocks). */
export const EVENT_LOG_SCHEMA_VERSION = 3;

const TABLES = `CREATE TABLE IF NOT EXISTS prediction_log_block (
  -- The seq of the block's first record; its records are first_seq, first_seq + 1, …
  first_seq INTEGER PRIMARY KEY,
  count INTEGER NOT NULL,
  min_at INTEGER NOT NULL,
  max_at INTEGER NOT NULL,
  -- Bits of the kinds of its records (1 prediction, 2 feedback).
  kinds INTEGER NOT NULL,
  -- 0: a logger batch as it came (lines and numbers); 1: lines ending with the whole record (event-log-blocks.ts).
  format INTEGER NOT NULL,
  -- Format 0: the UUID its records' ids are made from.
  id_base TEXT NOT NULL,
  -- Format 0: the numbers its lines' values point into, float64 little-endian (NULL: none).
  numbers BLOB,
  lines TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS prediction_log_block_max_at ON prediction_log_block (max_at);
-- Request ids and keys by hashed bucket, one row per block and bucket (event-log-lookup.ts).
-- Keyed block first: a block's rows go in at the end of the table, together.
CREATE TABLE IF NOT EXISTS prediction_log_index (
  first_seq INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  entries BLOB NOT NULL,
  PRIMARY KEY (first_seq, bucket)
) WITHOUT ROWID;`;

/** Records per block when an old file's rows are regrouped. */
const MIGRATION_BLOCK = 2000;

/**
 * Creates the tables, or brings a file of an earlier layout to this one.
 * Layout 1 (a row per record in prediction_log, a prediction_log_keys table):
 * its records regrouped into blocks under the same seqs (cursors handed out
 * stay valid), then the old tables dropped. Layout 2 (lookup rows keyed bucket
 * first, in prediction_log_lookup): the rows copied in block order. Runs under the write lock, so the writer thread
 * and a reader opening the file together do it once; on a large old file it
 * takes a while, once.
 */
export function ensureEventLogSchema(db: SqliteDatabase): void {
  if (currentVersion(db) === EVENT_LOG_SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = currentVersion(db);
    if (version === EVENT_LOG_SCHEMA_VERSION) return;
    if (version > EVENT_LOG_SCHEMA_VERSION) throw new Error(`prediction log file has layout ${version}, newer than this mlpatterns reads (${EVENT_LOG_SCHEMA_VERSION})`);
    db.exec(TABLES);
    if (tableExists(db, 'prediction_log')) migrateRows(db);
    if (tableExists(db, 'prediction_log_lookup')) migrateLookup(db);
    db.pragma(`user_version = ${EVENT_LOG_SCHEMA_VERSION}`);
  }).immediate();
}

/** Layout 1 → blocks: runs of consecutive seqs, at most MIGRATION_BLOCK records each. */
function migrateRows(db: SqliteDatabase): void {
  const insertBlock = db.prepare('INSERT INTO prediction_log_block (first_seq, count, min_at, max_at, kinds, format, id_base, numbers, lines) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)');
  const insertLookup = db.prepare('INSERT INTO prediction_log_index (bucket, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)');
  let run: { seq: number; at: number; line: string; record: PredictionRecord }[] = [];
  const flush = (): void => {
    const first = run[0];
    if (first === undefined) return;
    const lookup = new LookupEntries();
    let kinds = 0;
    for (const { seq, record } of run) {
      kinds |= kindBit(record.kind);
      lookup.add(LOOKUP_TAG.requestId, record.request_id, seq);
      for (const key of new Set((record.keys ?? []).map(String))) lookup.add(LOOKUP_TAG.key, key, seq);
    }
    const times = run.map((r) => r.at);
    const lastSeq = first.seq + run.length - 1;
    insertBlock.run(first.seq, run.length, Math.min(...times), Math.max(...times), kinds, BLOCK_FORMAT.record, '', run.map((r) => r.line).join('\n'));
    for (const [bucket, entries] of lookup.rows()) insertLookup.run(bucket, first.seq, lastSeq, entries);
    run = [];
  };
  // In pages: better-sqlite3 runs no other statement on a connection while one is iterated.
  const page = db.prepare('SELECT seq, at, record FROM prediction_log WHERE seq > ? ORDER BY seq LIMIT ?');
  let after = 0;
  for (;;) {
    const rows = page.all(after, MIGRATION_BLOCK) as { seq: number; at: number; record: string }[];
    for (const row of rows) {
      const record = JSON.parse(row.record) as PredictionRecord;
      const previous = run.at(-1);
      if (previous !== undefined && (previous.seq !== row.seq - 1 || run.length >= MIGRATION_BLOCK)) flush();
      run.push({ seq: row.seq, at: row.at, line: recordLine(record, row.at, row.record), record });
      after = row.seq;
    }
    if (rows.length < MIGRATION_BLOCK) break;
  }
  flush();
  db.exec('DROP TABLE IF EXISTS prediction_log_keys; DROP TABLE prediction_log;');
}

/** Layout 2 → 3: the same lookup rows, keyed block first. */
function migrateLookup(db: SqliteDatabase): void {
  db.exec(`INSERT INTO prediction_log_index (first_seq, bucket, last_seq, entries)
      SELECT first_seq, bucket, last_seq, entries FROM prediction_log_lookup ORDER BY first_seq, bucket;
    DROP TABLE prediction_log_lookup;`);
}

function currentVersion(db: SqliteDatabase): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function tableExists(db: SqliteDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
