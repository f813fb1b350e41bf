import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { isoTimes, readBatch, type PredictionBatch } from '../../ports/event-log-batch.js';
import { invalidCursor, matchesQuery, queryLimit, type EventLog, type EventPage, type EventQuery, type PredictionRecord } from '../../ports/event-log.js';

export interface RedisEventLogOptions {
  /** @example "redis://127.0.0.1:6379" */
  readonly url: string;
  /** The stream's key. @default "mlp:predictions" */
  readonly key?: string;
  /** About how many records the stream keeps (XADD MAXLEN ~): older ones are trimmed. @default 1000000 */
  readonly maxLength?: number;
  /** A command slower than this fails (the logger retries the batch later). @default 2000 */
  readonly commandTimeoutMs?: number;
}

/** Entries read per XRANGE while scanning for matches. */
const SCAN_BATCH = 500;

/**
 * The EventLog port on a Redis Stream: one entry per record (field `r`, the
 * record as JSON), trimmed to about `maxLength` entries. A query scans the
 * stream with XRANGE from `since` (entry ids are the append time, never
 * earlier than the record's) to its end and filters here, so a selective query over a long stream reads much of it: fine for
 * debugging and recent windows, not an analytics store (docs/prediction-log.md).
 * Like the cache, it fails fast while Redis is down and reconnects by itself.
 */
export class RedisEventLog implements EventLog {
  readonly #client: Redis;
  readonly #key: string;
  readonly #maxLength: number;
  #connecting: Promise<void> | undefined;

  constructor(options: RedisEventLogOptions) {
    this.#key = options.key ?? 'mlp:predictions';
    this.#maxLength = options.maxLength ?? 1_000_000;
    this.#client = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    this.#client.on('error', () => undefined);
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#ready();
    const pipeline = this.#client.pipeline();
    for (const r of records) pipeline.xadd(this.#key, 'MAXLEN', '~', this.#maxLength, '*', 'r', JSON.stringify(r));
    await this.#exec(pipeline);
  }

  /** The logger's batches: each line's record JSON is added as it is assembled, never parsed. */
  async appendBatch(batch: PredictionBatch): Promise<void> {
    if (batch.count === 0) return;
    await this.#ready();
    const pipeline = this.#client.pipeline();
    const iso = isoTimes();
    readBatch(batch, (l) => pipeline.xadd(this.#key, 'MAXLEN', '~', this.#maxLength, '*', 'r', l.recordJson(randomUUID(), iso(l.at))));
    await this.#exec(pipeline);
  }

  async #exec(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async query(query: EventQuery): Promise<EventPage> {
    await this.#ready();
    const limit = queryLimit(query);
    let start = query.after !== undefined ? `(${checkedId(query.after)}` : query.since ? String(query.since.getTime()) : '-';
    const records: PredictionRecord[] = [];
    let lastId: string | undefined;
    for (;;) {
      const entries = await this.#client.xrange(this.#key, start, '+', 'COUNT', SCAN_BATCH);
      for (const [id, fields] of entries) {
        const record = parseEntry(fields);
        if (!record || !matchesQuery(record, query)) continue;
        if (records.length === limit) return { records, ...(lastId ? { next: lastId } : {}) };
        records.push(record);
        lastId = id;
      }
      if (entries.length < SCAN_BATCH) return { records };
      start = `(${entries.at(-1)?.[0] ?? '+'}`;
    }
  }

  async close(): Promise<void> {
    if (this.#client.status === 'ready') await this.#client.quit().catch(() => undefined);
    this.#client.disconnect();
  }

  async #ready(): Promise<void> {
    if (this.#client.status === 'wait') this.#connecting ??= this.#client.connect().catch(() => undefined);
    if (this.#connecting) await this.#connecting;
    if (this.#client.status !== 'ready') throw new Error(`Redis prediction log unavailable (${this.#client.status})`);
  }
}

function checkedId(cursor: string): string {
  if (!/^\d{1,15}-\d{1,15}$/.test(cursor)) throw invalidCursor(cursor);
  return cursor;
}

function parseEntry(fields: readonly string[]): PredictionRecord | undefined {
  const at = fields.indexOf('r');
  const json = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as PredictionRecord;
  } catch {
    return undefined; // an entry someone else wrote to the stream: not ours to read
  }
}
