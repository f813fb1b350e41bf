import { randomUUID } from 'node:crypto';
import {
  assembleRecord,
  BATCH_LINE_FIELDS,
  encodeLine,
  expandLine,
  isoTimes,
  LINE_FIELDS,
  parseKeys,
  quoteJson,
  unquoteJson,
  type BatchFields,
  type LineFields,
} from '../../ports/event-log-batch.js';
import type { EventKind, EventQuery, PredictionRecord } from '../../ports/event-log.js';
import { bytesFloats, floatBytes } from './event-log-floats.js';
import { LOOKUP_TAG, LookupEntries, lookupHashOf } from './event-log-lookup.js';
import type { Statements } from './session.js';

/**
 * The SQLite prediction log stores records in blocks: one row per appended
 * batch, holding the batch's lines (src/ports/event-log-batch.ts) as one text.
 * A row per record cost the writer thread ~6 µs a record in SQLite alone
 * (statement, B-tree insert, page writes) before any index; a block costs that
 * once per batch. Records keep a seq each (the block's first seq + line
 * number, contiguous across blocks), which the read API's cursor is.
 *
 * Block formats: LOGGER blocks are the PredictionLogger's batches stored as
 * they came: the lines, the numbers (8 bytes each, never turned into text
 * until a record is read), and one UUID the records' ids are made from
 * (nthId); a record's JSON is assembled when it is read. RECORD blocks
 * (`append` of whole records: feedback, imports) end each line with the
 * record's own JSON.
 */
export const BLOCK_FORMAT = { logger: 0, record: 1 } as const;

const KIND_BITS: Record<EventKind, number> = { prediction: 1, feedback: 2 };

/**
 * Stores a logger batch as one block. Per line only what the block is filed
 * under is read (time, kind, request id, keys), by position in the batch's
 * text: no line is split or copied, text and numbers are stored as they came.
 */
export function writeLoggerBlock(sql: Statements, text: string, count: number, numbers: Float64Array | undefined): void {
  writeBlock(sql, (firstSeq) => {
    const times = new Times();
    const lookup = new LookupEntries();
    let kinds = 0;
    let start = 0;
    for (let i = 0; i < count; i++) {
      const seq = firstSeq + i;
      const end = text.indexOf('\n', start);
      const lineEnd = end < 0 ? text.length : end;
      if ((end < 0) !== (i === count - 1)) throw new Error(`prediction log batch does not hold ${count} lines`);
      // The tabs after at, kind, request_id and keys, then the last one (a line has 13).
      const afterAt = text.indexOf('\t', start);
      const afterKind = text.indexOf('\t', afterAt + 1);
      const afterId = text.indexOf('\t', afterKind + 1);
      const afterKeys = text.indexOf('\t', afterId + 1);
      let last = afterKeys;
      for (let k = 4; k < BATCH_LINE_FIELDS - 1 && last >= 0; k++) last = text.indexOf('\t', last + 1);
      if (afterAt < 0 || last < 0 || last > lineEnd) throw malformed(text.slice(start, lineEnd));
      times.add(digits(text, start, afterAt));
      const kind = afterKind - afterAt - 1 === 10 && text.startsWith('prediction', afterAt + 1) ? 'prediction' : text.slice(afterAt + 1, afterKind);
      if (kind !== 'prediction' && kind !== 'feedback') throw malformed(text.slice(start, lineEnd));
      kinds |= KIND_BITS[kind];
      if (text.charCodeAt(afterKind + 1) !== QUOTE || text.charCodeAt(afterId - 1) !== QUOTE) throw malformed(text.slice(start, lineEnd));
      if (hasBackslash(text, afterKind + 1, afterId)) lookup.add(LOOKUP_TAG.requestId, unquoteJson(text.slice(afterKind + 1, afterId)), seq);
      else lookup.addHash(lookupHashOf(LOOKUP_TAG.requestId, text, afterKind + 2, afterId - 1), seq);
      if (afterKeys > afterId + 1) for (const key of new Set(parseKeys(text.slice(afterId + 1, afterKeys)))) lookup.add(LOOKUP_TAG.key, key, seq);
      start = lineEnd + 1;
    }
    const stored = numbers && numbers.length > 0 ? floatBytes(numbers) : null;
    return { count, times, kinds, format: BLOCK_FORMAT.logger, idBase: randomUUID(), text, numbers: stored, lookup };
  });
}

/** The earliest and latest time of a block's records. */
class Times {
  min = Infinity;
  max = -Infinity;

  add(at: number): void {
    if (!Number.isFinite(at)) throw new Error('prediction log line without a valid time');
    if (at < this.min) this.min = at;
    if (at > this.max) this.max = at;
  }
}

/** The integer written in text[from, to) (a line's time), NaN if it is not one. */
function digits(text: string, from: number, to: number): number {
  if (to <= from || to - from > 16) return NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

const QUOTE = 0x22;
const NO_NUMBERS = new Float64Array(0);

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x5c) return true;
  return false;
}

function malformed(line: string): Error {
  return new Error(`malformed prediction log line: ${line.slice(0, 80)}`);
}

/**
 * The id of a logger block's record `index`: the block's random UUID with
 * `index` added to its last 48 bits. Unique within the block, as random across
 * blocks as a UUID, and stored once per block instead of once per record.
 */
export function nthId(base: string, index: number): string {
  const tail = (parseInt(base.slice(24), 16) + index) % 2 ** 48;
  return `${base.slice(0, 24)}${tail.toString(16).padStart(12, '0')}`;
}

/** Stores whole records as one block. */
export function writeRecordBlock(sql: Statements, records: readonly PredictionRecord[]): void {
  writeBlock(sql, (firstSeq) => {
    const lookup = new LookupEntries();
    let kinds = 0;
    const lines: string[] = [];
    const times = new Times();
    records.forEach((r, i) => {
      const time = Date.parse(r.timestamp);
      if (!Number.isFinite(time)) throw new Error(`prediction log record ${r.id} has no valid timestamp: ${String(r.timestamp)}`);
      times.add(time);
      kinds |= KIND_BITS[r.kind];
      lookup.add(LOOKUP_TAG.requestId, r.request_id, firstSeq + i);
      for (const key of new Set((r.keys ?? []).map(String))) lookup.add(LOOKUP_TAG.key, key, firstSeq + i);
      lines.push(recordLine(r, time, JSON.stringify(r)));
    });
    return { count: records.length, times, kinds, format: BLOCK_FORMAT.record, idBase: '', text: lines.join('\n'), numbers: null, lookup };
  });
}

/** The line of a whole record (RECORD blocks): the filed fields, then the record's JSON. */
export function recordLine(r: PredictionRecord, at: number, json: string): string {
  return encodeLine({
    at,
    kind: r.kind,
    requestId: quoteJson(r.request_id),
    keys: r.keys ? JSON.stringify(r.keys) : undefined,
    service: r.service !== undefined ? quoteJson(r.service) : undefined,
    node: r.node !== undefined ? quoteJson(r.node) : undefined,
    model: quoteJson(r.model),
    version: quoteJson(r.version),
    payload: json,
  });
}

interface BlockContent {
  readonly count: number;
  readonly times: Times;
  readonly kinds: number;
  readonly format: number;
  /** LOGGER blocks: the UUID the records' ids are made from (nthId). */
  readonly idBase: string;
  readonly text: string;
  /** LOGGER blocks: the batch's numbers, float64 little-endian. */
  readonly numbers: Buffer | null;
  readonly lookup: LookupEntries;
}

/**
 * One transaction, taking the write lock first: the next seq is read and used
 * under it, so two processes writing the same file never number alike.
 */
function writeBlock(sql: Statements, build: (firstSeq: number) => BlockContent): void {
  sql.db
    .transaction(() => {
      const last = sql.sql<{ next: number }>('SELECT first_seq + count AS next FROM prediction_log_block ORDER BY first_seq DESC LIMIT 1').get();
      const firstSeq = last?.next ?? 1;
      const block = build(firstSeq);
      if (block.count === 0) return;
      sql
        .sql('INSERT INTO prediction_log_block (first_seq, count, min_at, max_at, kinds, format, id_base, numbers, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(firstSeq, block.count, block.times.min, block.times.max, block.kinds, block.format, block.idBase, block.numbers, block.text);
      const insertLookup = sql.sql('INSERT INTO prediction_log_index (bucket, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)');
      const lastSeq = firstSeq + block.count - 1;
      for (const [bucket, entries] of block.lookup.rows()) insertLookup.run(bucket, firstSeq, lastSeq, entries);
    })
    .immediate();
}

/** A stored block, read. */
export interface BlockRow {
  readonly first_seq: number;
  readonly count: number;
  readonly format: number;
  readonly id_base: string;
  readonly numbers: Buffer | null;
  readonly lines: string;
}

/** A line's fields: a logger block's (batch line) or a record block's (expanded line); the first eight are alike. */
export type StoredFields = BatchFields | LineFields;

/** The lines of a block, split once, and its records as they are asked for. */
export class Block {
  readonly firstSeq: number;
  readonly #row: BlockRow;
  readonly #lines: string[];
  readonly #iso = isoTimes();
  #numbersCache: Float64Array | undefined;

  constructor(row: BlockRow) {
    this.#row = row;
    this.firstSeq = row.first_seq;
    this.#lines = row.lines.split('\n');
    if (this.#lines.length !== row.count) throw new Error(`prediction log block ${row.first_seq} holds ${this.#lines.length} lines, not ${row.count}`);
  }

  get lastSeq(): number {
    return this.firstSeq + this.#row.count - 1;
  }

  fields(seq: number): StoredFields {
    const line = this.#lines[seq - this.firstSeq] ?? '';
    const want = this.#row.format === BLOCK_FORMAT.logger ? BATCH_LINE_FIELDS : LINE_FIELDS;
    const f = line.split('\t', want);
    if (f.length !== want) throw new Error(`malformed line in prediction log block ${this.firstSeq}`);
    return f as unknown as StoredFields;
  }

  record(seq: number, f: StoredFields): PredictionRecord {
    if (this.#row.format === BLOCK_FORMAT.record) return JSON.parse(f[8]) as PredictionRecord;
    const expanded = expandLine(f as BatchFields, this.#numbers());
    return JSON.parse(assembleRecord(expanded, nthId(this.#row.id_base, seq - this.firstSeq), this.#iso(Number(f[0])))) as PredictionRecord;
  }

  #numbers(): Float64Array {
    const blob = this.#row.numbers;
    if (!blob) return NO_NUMBERS;
    return (this.#numbersCache ??= bytesFloats(blob));
  }
}

/**
 * A query's filters as a test of a line's fields, compared as the JSON text
 * they are stored as (equal strings have equal JSON), so a line that does not
 * match is never parsed.
 */
export function lineMatcher(query: EventQuery): (f: StoredFields) => boolean {
  const text = (v: string | undefined) => (v === undefined ? undefined : quoteJson(v));
  const requestId = text(query.requestId);
  const service = text(query.service);
  const model = text(query.model);
  const version = text(query.version);
  const since = query.since?.getTime();
  const until = query.until?.getTime();
  const { kind, key } = query;
  return (f) => {
    if (kind !== undefined && f[1] !== kind) return false;
    if (requestId !== undefined && f[2] !== requestId) return false;
    if (service !== undefined && f[4] !== service) return false;
    if (model !== undefined && f[6] !== model) return false;
    if (version !== undefined && f[7] !== version) return false;
    if (since !== undefined || until !== undefined) {
      const at = Number(f[0]);
      if (since !== undefined && at < since) return false;
      if (until !== undefined && at > until) return false;
    }
    if (key !== undefined && !parseKeys(f[3]).includes(key)) return false;
    return true;
  };
}

/** The bit of `kinds` a kind sets. */
export function kindBit(kind: EventKind): number {
  return KIND_BITS[kind];
}
