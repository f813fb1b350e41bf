import type { PredictionBatch } from '../../ports/event-log-batch.js';
import { invalidCursor, queryLimit, type EventLog, type EventPage, type EventQuery, type PredictionRecord } from '../../ports/event-log.js';
import { Block, kindBit, lineMatcher, writeLoggerBlock, writeRecordBlock, type BlockRow } from './event-log-blocks.js';
import { LOOKUP_TAG, lookupBucket, lookupHash, matchingSeqs } from './event-log-lookup.js';
import { ensureEventLogSchema } from './event-log-schema.js';
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

const BLOCK_COLUMNS = 'first_seq, count, format, id_base, numbers, lines';

/**
 * The EventLog port on an embedded SQLite file (WAL): the default sink, one
 * machine. Each appended batch is one block row (event-log-blocks.ts) and one
 * transaction (a failed batch stores nothing); request ids and keys are found
 * through hashed buckets (event-log-lookup.ts), times through each block's
 * time range. Other filters (model, service, version) read the blocks in the
 * time range and test each line's fields without parsing records that do not
 * match (docs/prediction-log.md).
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
    writeRecordBlock(this.#open(), records);
  }

  /** The logger's batches, stored as they came (text and numbers), each one block. */
  async appendBatch(batch: PredictionBatch): Promise<void> {
    if (batch.count === 0) return;
    if (this.#writer) return this.#writer.appendBatch(batch);
    writeLoggerBlock(this.#open(), batch.text, batch.count, batch.numbers);
  }

  async query(query: EventQuery): Promise<EventPage> {
    const sql = this.#open();
    const after = query.after !== undefined ? cursorSeq(query.after) : 0;
    const limit = queryLimit(query);
    const matches = lineMatcher(query);
    // One more than asked: whether it exists says if there is a next page.
    const found: { seq: number; record: PredictionRecord }[] = [];
    const consider = (block: Block, seq: number): boolean => {
      const f = block.fields(seq);
      if (matches(f)) found.push({ seq, record: block.record(seq, f) });
      return found.length > limit;
    };
    const seqs = this.#lookedUp(sql, query, after);
    if (seqs) {
      let block: Block | undefined;
      let previous = -1;
      for (const seq of seqs) {
        if (seq === previous) continue; // an id filed twice under one hash (a key repeated in a record)
        previous = seq;
        if (!block || seq > block.lastSeq) block = this.#blockOf(sql, seq);
        if (block && seq >= block.firstSeq && seq <= block.lastSeq && consider(block, seq)) break;
      }
    } else {
      scan: for (const row of this.#blocksFrom(sql, query, after)) {
        const block = new Block(row);
        for (let seq = Math.max(block.firstSeq, after + 1); seq <= block.lastSeq; seq++) if (consider(block, seq)) break scan;
      }
    }
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const records = page.map((f) => f.record);
    return found.length > limit && last ? { records, next: String(last.seq) } : { records };
  }

  async close(): Promise<void> {
    await this.#writer?.close();
    this.#db?.close();
    this.#db = undefined;
    this.#statements = undefined;
  }

  /** The seqs a request-id or key filter narrows to (ascending), or undefined when the query has neither. */
  #lookedUp(sql: Statements, query: EventQuery, after: number): number[] | undefined {
    const [tag, value] =
      query.requestId !== undefined ? [LOOKUP_TAG.requestId, query.requestId] : query.key !== undefined ? [LOOKUP_TAG.key, query.key] : [undefined, undefined];
    if (tag === undefined) return undefined;
    const hash = lookupHash(tag, value);
    const rows = sql.sql<{ entries: Buffer }>(LOOKUP_ROWS).all(lookupBucket(hash), blockHolding(sql, after + 1));
    const seqs: number[] = [];
    for (const row of rows) matchingSeqs(row.entries, hash, after, seqs);
    // The block index gives blocks in time order, which is not always seq order (two writers).
    return seqs.sort((a, b) => a - b);
  }

  #blockOf(sql: Statements, seq: number): Block | undefined {
    const row = sql.sql<BlockRow>(`SELECT ${BLOCK_COLUMNS} FROM prediction_log_block WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1`).get(seq);
    return row ? new Block(row) : undefined;
  }

  /**
   * Blocks that may hold matches after the cursor, in seq order; their time
   * ranges and kinds are tested before their lines are read.
   */
  #blocksFrom(sql: Statements, query: EventQuery, after: number): IterableIterator<BlockRow> {
    const where: string[] = ['first_seq + count > ?'];
    const params: unknown[] = [after + 1];
    // Blocks come in about time order: start at the first one that reaches `since` (the time index finds it).
    const start = sql.sql<{ first: number | null }>('SELECT min(first_seq) AS first FROM prediction_log_block WHERE max_at >= ?');
    if (query.since !== undefined) {
      where.push('first_seq >= ?', 'max_at >= ?');
      params.push(start.get(query.since.getTime())?.first ?? Number.MAX_SAFE_INTEGER, query.since.getTime());
    }
    if (query.until !== undefined) {
      where.push('min_at <= ?');
      params.push(query.until.getTime());
    }
    if (query.kind !== undefined) {
      where.push('(kinds & ?) != 0');
      params.push(kindBit(query.kind));
    }
    where.push('first_seq >= ?');
    params.push(blockHolding(sql, after + 1));
    return sql.db.prepare(`SELECT ${BLOCK_COLUMNS} FROM prediction_log_block WHERE ${where.join(' AND ')} ORDER BY first_seq`).iterate(...params) as IterableIterator<BlockRow>;
  }

  #open(): Statements {
    if (!this.#statements) {
      const db = openDatabase(this.#path);
      // The blocks being read and the lookup buckets' last pages stay in memory.
      db.pragma('cache_size = -65536');
      // Checkpoint every ~40 MB of WAL, not SQLite's 4 MB: a block is written
      // twice either way (WAL, then the file), but fewer, longer checkpoints
      // took the writer from ~2.2 to ~1.5 µs of CPU a record (tiny model's
      // records, 200,000 of them). The WAL file is cut back to 64 MB after one.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma('journal_size_limit = 67108864');
      ensureEventLogSchema(db);
      this.#db = db;
      this.#statements = new Statements(db);
    }
    return this.#statements;
  }
}

/**
 * A lookup's rows: one per block from `first_seq`, through the primary key.
 * The blocks' first seqs come from the time index, which holds them (a few
 * bytes each) where the table's own pages hold each block's lines; each
 * block's row of the bucket is then one probe of prediction_log_index.
 */
export const LOOKUP_ROWS = `SELECT l.entries FROM prediction_log_block AS b INDEXED BY prediction_log_block_max_at
  CROSS JOIN prediction_log_index AS l ON l.first_seq = b.first_seq AND l.bucket = ?
  WHERE b.first_seq >= ?`;

/** The first seq of the block holding `seq` (0 when none does): found through the primary key, not a scan. */
function blockHolding(sql: Statements, seq: number): number {
  return sql.sql<{ first_seq: number }>('SELECT first_seq FROM prediction_log_block WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1').get(seq)?.first_seq ?? 0;
}

function cursorSeq(cursor: string): number {
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
  if (!Number.isSafeInteger(seq)) throw invalidCursor(cursor);
  return seq;
}
