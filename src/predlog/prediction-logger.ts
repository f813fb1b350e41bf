import { randomUUID } from 'node:crypto';
import type { EventLog, PredictionRecord } from '../ports/event-log.js';
import { toJsonValue } from './json-value.js';
import { parseRedactPaths, redactInstances } from './redact.js';

/** What the serve path knows about one model call; the logger turns it into a record later. */
export interface PredictionFacts {
  readonly requestId: string;
  readonly model: string;
  readonly version: string;
  readonly latencyMs: number;
  /** "ok" or the error code. */
  readonly status: string;
  readonly keys?: readonly (string | number)[] | undefined;
  readonly service?: string | undefined;
  readonly node?: string | undefined;
  readonly variant?: string | undefined;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly labels?: readonly unknown[] | undefined;
}

/** Why records were lost: the buffer was full, or the sink refused their batch. */
export type DropReason = 'buffer_full' | 'sink_error';

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
  /** Records per append; a buffer this full is flushed at once (larger batches share index page writes). @default 2000 */
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

interface Pending {
  readonly facts: PredictionFacts;
  readonly at: number;
  readonly keepInputs: boolean;
}

/**
 * The prediction log's write side. `log` only pushes onto a bounded in-memory
 * buffer — no I/O, no serialisation, nothing that can throw or wait — so a
 * prediction never pays for, or fails because of, the sink. A timer (or a full
 * batch) hands batches to the sink; when an append fails the batch is dropped
 * and counted, and the next attempt waits longer (doubling up to maxBackoffMs),
 * so a sink that comes back resumes by itself and one that stays down costs a
 * few attempts, not one per request. Records are built (ids, redaction, JSON
 * conversion) at flush time, off the request path.
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
  #buffer: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
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
    return this.#buffer.length;
  }

  /** Queues one record; never throws, never waits. */
  log(facts: PredictionFacts): void {
    if (this.#closed || this.#buffer.length >= this.#bufferSize) {
      this.#onDrop('buffer_full', 1);
      return;
    }
    const keepInputs = this.#sampleInputs >= 1 || (this.#sampleInputs > 0 && this.#random() < this.#sampleInputs);
    this.#buffer.push({ facts, at: Date.now(), keepInputs });
    if (this.#buffer.length >= this.#batchSize && this.#backoffMs === 0) this.#flushSoon(0);
    else this.#flushSoon(this.#backoffMs || this.#flushMs);
  }

  /** Writes everything buffered now (one attempt per batch); resolves when done. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#flushing) await this.#flushing;
    this.#flushing = this.#drain();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
    if (this.#buffer.length > 0) this.#flushSoon(this.#backoffMs || this.#flushMs);
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
    const lost = this.#buffer.length + this.#inFlight;
    if (lost > 0) this.#onDrop('sink_error', lost);
    this.#abandoned = true;
    this.#buffer = [];
    await this.#sink.close();
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      try {
        await this.#sink.append(batch.map((p) => this.#toRecord(p)));
        this.#backoffMs = 0;
      } catch (err) {
        if (!this.#abandoned) this.#onDrop('sink_error', batch.length);
        this.#onSinkError(err);
        this.#backoffMs = Math.min(this.#maxBackoffMs, Math.max(this.#flushMs, this.#backoffMs * 2));
        return;
      } finally {
        this.#inFlight = 0;
      }
    }
  }

  #toRecord({ facts, at, keepInputs }: Pending): PredictionRecord {
    const inputs = keepInputs && facts.inputs !== undefined ? redactInstances(toJsonValue(facts.inputs), this.#redact) : undefined;
    const outputs = facts.outputs !== undefined ? toJsonValue(facts.outputs) : undefined;
    return {
      id: randomUUID(),
      kind: 'prediction',
      timestamp: new Date(at).toISOString(),
      request_id: facts.requestId,
      ...(facts.keys ? { keys: facts.keys } : {}),
      ...(facts.service !== undefined ? { service: facts.service } : {}),
      ...(facts.node !== undefined ? { node: facts.node } : {}),
      model: facts.model,
      version: facts.version,
      ...(facts.variant !== undefined ? { variant: facts.variant } : {}),
      ...(inputs !== undefined ? { inputs } : {}),
      ...(outputs !== undefined ? { outputs } : {}),
      ...(facts.labels ? { labels: facts.labels } : {}),
      latency_ms: Math.round(facts.latencyMs * 1000) / 1000,
      status: facts.status,
    };
  }
}
