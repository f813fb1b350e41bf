import { batchRecords } from '../ports/event-log-batch.js';
import type { EventLog } from '../ports/event-log.js';
import { PredictionEncoder, type NotedFacts } from './encode-record.js';
import { LineBuffer } from './line-buffer.js';
import { parseRedactPaths } from './redact.js';

export type { NotedFacts } from './encode-record.js';

/** What the serve path knows about one model call. */
export interface PredictionFacts extends NotedFacts {
  readonly model: string;
  readonly version: string;
  readonly latencyMs: number;
  /** "ok" or the error code. */
  readonly status: string;
}

/**
 * Why records were lost: the buffer was full, the sink refused their batch,
 * or the record held something JSON cannot (a cycle, nesting too deep).
 */
export type DropReason = 'buffer_full' | 'sink_error' | 'encode_error';

export interface PredictionLoggerOptions {
  readonly sink: EventLog;
  /** Share of records that keep their inputs, 0..1. @default 1 */
  readonly sampleInputs?: number;
  /** Dot paths (or column indexes) of instance fields replaced by "[redacted]". @default [] */
  readonly redact?: readonly string[];
  /** Records held while waiting for the sink; beyond, new ones are dropped. @default 10000 */
  readonly bufferSize?: number;
  /** How often the buffer is flushed, ms. @default 1000 */
  readonly flushMs?: number;
  /** Records per append; a buffer this full is flushed at once (a batch is one transaction, one block in SQLite). @default 2000 */
  readonly batchSize?: number;
  /** Longest pause between flush attempts while the sink keeps failing, ms. @default 30000 */
  readonly maxBackoffMs?: number;
  /** Told about every loss (the dropped-records metric). */
  readonly onDrop?: (reason: DropReason, count: number) => void;
  /** Told why a flush failed (a log line). */
  readonly onSinkError?: (err: unknown) => void;
  /** Injectable for tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * The prediction log's write side. `log` serialises the record into one line
 * (sampling, redaction, tensor conversion: a JSON.stringify, no I/O, nothing
 * that throws or waits) and appends it to a bounded in-memory buffer (bytes:
 * line-buffer.ts), so a
 * prediction never pays for, or fails because of, the sink. A timer (or a full
 * batch) hands batches to the sink as one string (`PredictionBatch`); when an
 * append fails the batch is dropped and counted, and the next attempt waits
 * longer (doubling up to maxBackoffMs), so a sink that comes back resumes by
 * itself and one that stays down costs a few attempts, not one per request.
 * Record ids and ISO timestamps are made by the sink (the SQLite writer
 * thread), not here: on the serving thread a record costs a few microseconds
 * (measured ~2.5 µs for the tiny model's, on the 2-core bench machine) and
 * holds no objects alive until the flush.
 */
export class PredictionLogger {
  readonly #sink: EventLog;
  readonly #sampleInputs: number;
  readonly #redact: string[][];
  readonly #bufferSize: number;
  readonly #flushMs: number;
  readonly #batchSize: number;
  readonly #maxBackoffMs: number;
  readonly #onDrop: (reason: DropReason, count: number) => void;
  readonly #onSinkError: (err: unknown) => void;
  readonly #random: () => number;
  readonly #encoder = new PredictionEncoder();
  /** Encoded records (batch lines) waiting for the sink. */
  readonly #buffer: LineBuffer;
  #timer: NodeJS.Timeout | undefined;
  /** The pending timer is an immediate one (a full batch): nothing sooner to set. */
  #timerImmediate = false;
  #flushing: Promise<void> | undefined;
  #backoffMs = 0;
  #closed = false;
  /** Records handed to the sink and not yet acknowledged. */
  #inFlight = 0;
  /** Set when close stopped waiting: what is still in flight was counted as lost already. */
  #abandoned = false;

  constructor(options: PredictionLoggerOptions) {
    this.#sink = options.sink;
    this.#sampleInputs = options.sampleInputs ?? 1;
    this.#redact = parseRedactPaths(options.redact ?? []);
    this.#bufferSize = options.bufferSize ?? 10_000;
    this.#flushMs = options.flushMs ?? 1000;
    this.#batchSize = options.batchSize ?? 2000;
    this.#buffer = new LineBuffer(this.#batchSize);
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#onDrop = options.onDrop ?? (() => undefined);
    this.#onSinkError = options.onSinkError ?? (() => undefined);
    this.#random = options.random ?? Math.random;
  }

  /** The sink records are written to (the read API queries it). */
  get sink(): EventLog {
    return this.#sink;
  }

  /** Records waiting in the buffer. */
  get pending(): number {
    return this.#buffer.count;
  }

  /** Queues one record; never throws, never waits. */
  log(facts: PredictionFacts): void {
    this.logCall(facts, facts.model, facts.version, facts.latencyMs, facts.status);
  }

  /**
   * `log` for the serve path: what the route noted, and the call's own facts
   * beside it, so no object is built to carry them. Never throws, never waits.
   */
  logCall(noted: NotedFacts, model: string, version: string, latencyMs: number, status: string): void {
    if (this.#closed || this.#buffer.count >= this.#bufferSize) {
      this.#onDrop('buffer_full', 1);
      return;
    }
    const keepInputs = this.#sampleInputs >= 1 || (this.#sampleInputs > 0 && this.#random() < this.#sampleInputs);
    const call = { model, version, latencyMs, status, at: Date.now(), keepInputs, redact: this.#redact };
    try {
      this.#buffer.push((numbers) => this.#encoder.encode(noted, call, numbers));
    } catch {
      this.#onDrop('encode_error', 1);
      return;
    }
    // A full batch goes now (unless a flush is running: its loop takes it next), else on the timer.
    if (this.#buffer.count >= this.#batchSize && this.#backoffMs === 0) {
      if (!this.#flushing) this.#flushSoon(0);
    } else this.#flushSoon(this.#backoffMs || this.#flushMs);
  }

  /** Writes everything buffered now (one attempt per batch); resolves when done. */
  async flush(): Promise<void> {
    return this.#flushWhile(1);
  }

  /**
   * Hands batches to the sink while at least `min` records wait: 1 for a
   * flush (everything), batchSize when a full batch triggered it. Records that
   * arrive during an append then wait for the next full batch or the timer,
   * instead of going out as a stream of small batches, each a transaction.
   */
  async #flushWhile(min: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#flushing) await this.#flushing;
    this.#flushing = this.#drain(min);
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
    if (this.#buffer.count > 0) this.#flushSoon(this.#backoffMs || this.#flushMs);
  }

  /**
   * Flushes what is buffered, waiting at most `timeoutMs` (a sink that is down
   * must not hold up shutdown), then closes the sink; what is left is counted as dropped.
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.flush().catch(() => undefined), timeout]);
    clearTimeout(timer);
    clearTimeout(this.#timer);
    const lost = this.#buffer.count + this.#inFlight;
    if (lost > 0) this.#onDrop('sink_error', lost);
    this.#abandoned = true;
    this.#buffer.clear();
    await this.#sink.close();
  }

  /** Sets the flush timer; a pending one stays, unless this one is immediate and it is not. */
  #flushSoon(delayMs: number): void {
    if (this.#closed) return;
    if (this.#timer) {
      if (delayMs > 0 || this.#timerImmediate) return;
      clearTimeout(this.#timer);
    }
    const immediate = delayMs === 0;
    this.#timerImmediate = immediate;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flushWhile(immediate ? this.#batchSize : 1);
    }, delayMs);
    this.#timer.unref();
  }

  async #drain(min: number): Promise<void> {
    while (this.#buffer.count > 0 && this.#buffer.count >= min) {
      const batch = this.#buffer.take();
      if (batch === undefined) return;
      this.#inFlight = batch.count;
      try {
        await (this.#sink.appendBatch ? this.#sink.appendBatch(batch) : this.#sink.append(batchRecords(batch)));
        this.#backoffMs = 0;
      } catch (err) {
        if (!this.#abandoned) this.#onDrop('sink_error', batch.count);
        this.#onSinkError(err);
        this.#backoffMs = Math.min(this.#maxBackoffMs, Math.max(this.#flushMs, this.#backoffMs * 2));
        return;
      } finally {
        this.#inFlight = 0;
      }
    }
  }
}
