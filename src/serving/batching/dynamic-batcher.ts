import type { BatchingOptions } from '../../config/schema.js';
import type { NamedTensors } from '../../tensor/tensor.js';
import { describeRequest } from './batch-key.js';
import { BatchSizing } from './batch-sizing.js';
import { KeyQueue, PendingRequest } from './pending-request.js';
import { closed, deadlineExceeded, queueFull } from './rejections.js';
import { runBatch } from './run-batch.js';
import type { BatchObserver, BatchRunner, RejectReason, SubmitRequest } from './types.js';
import { WakeTimer } from './wake-timer.js';

/** Prefix of the private queue key of a request that cannot merge (mergeable keys always contain a \u0000). */
const SOLO = 'solo:';

/**
 * Triton-style dynamic batcher for one model: compatible requests are queued
 * per batch key and merged along dim 0 into one execution, then split back.
 *
 * Scheduling, per free execution slot (at most `maxConcurrentBatches`):
 * - a key whose queued rows reach `maxBatchSize` (or the largest preferred
 *   size) is dispatched at once, without waiting for the delay;
 * - otherwise a batch is dispatched when its OLDEST request has waited
 *   `maxQueueDelayUs` (0: on the next setImmediate, so requests decoded in
 *   the same event-loop turn still merge). The delay bounds the batching wait
 *   of every request, which keeps p99 stable when traffic is uneven;
 * - among ready keys the one with the oldest head goes first (no key starves);
 * - when a batch finishes, the next ready batch starts before the finished
 *   one is answered; requests that queued while every slot was busy are
 *   ready at once if they have already waited the delay, so a concurrency
 *   cap never adds a second delay on top of the first.
 *
 * Sizes count rows, never requests. Requests are taken whole and in order;
 * one with more rows than `maxBatchSize` runs alone (it is never split across
 * executions, whose outputs could then not be reassembled reliably).
 *
 * Every accepted request settles exactly once: with its own rows of every
 * output, with the runner's error (every request of a failed batch gets the
 * same error object), or with DEADLINE_EXCEEDED if its deadline passed while
 * it was still queued. Refusals (queue full, closed, deadline already past)
 * happen at submit.
 */
export class DynamicBatcher {
  private readonly queues = new Map<string, KeyQueue>();
  private readonly sizing: BatchSizing;
  private readonly delayMs: number;
  private rowsQueued = 0;
  private active = 0;
  private seq = 0;
  private closing: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly wake = new WakeTimer(() => this.pump(true), true);
  // Unref'd and left armed across idle periods: with one timeout for all
  // requests it re-arms at most once per deadline, not once per request.
  private readonly deadlines = new WakeTimer(() => this.sweepDeadlines(), false, true);

  /**
   * @param name the model's name, for error messages
   * @param run executes one (merged) batch
   * @param options validated batching options (config/schema.ts)
   * @param observer telemetry hooks; no-op when absent
   */
  constructor(
    readonly name: string,
    private readonly run: BatchRunner,
    private readonly options: BatchingOptions,
    private readonly observer: BatchObserver = {},
  ) {
    this.sizing = new BatchSizing(options);
    this.delayMs = options.maxQueueDelayUs / 1000;
  }

  /** Rows waiting in the queues (not yet running). */
  get queuedRows(): number {
    return this.rowsQueued;
  }

  /** Batches executing now. */
  get running(): number {
    return this.active;
  }

  /**
   * Queues a request and resolves with exactly its own rows of every output.
   *
   * @throws (rejects) MlError OVERLOADED `queue full` when its rows would take
   *   the queue beyond `maxQueueRows` (a request larger than `maxQueueRows` is
   *   admitted only into an empty queue, or it could never run);
   *   OVERLOADED `closed` after close(); DEADLINE_EXCEEDED (stage `queued`)
   *   when its deadline passes before it runs; the runner's error if its batch fails.
   */
  submit(inputs: NamedTensors, request: SubmitRequest): Promise<NamedTensors> {
    if (this.closing !== undefined) return this.refuse(closed(this.name), 'closed');
    const now = performance.now();
    const deadline = request.deadline ?? Infinity;
    if (deadline <= now) return this.refuse(deadlineExceeded(this.name, request.deadlineMs ?? 0), 'deadline');
    const { rows, key } = describeRequest(inputs, request.signature, request.outputs);
    if (this.rowsQueued > 0 && this.rowsQueued + rows > this.options.maxQueueRows) {
      return this.refuse(queueFull(this.name), 'queue_full');
    }

    const seq = this.seq++;
    const queueKey = key ?? SOLO + seq;
    let queue = this.queues.get(queueKey);
    if (queue === undefined) {
      queue = new KeyQueue(queueKey, key === undefined);
      this.queues.set(queueKey, queue);
    }
    const pending = new PendingRequest(inputs, rows, request.signature, request.outputs, deadline, request.deadlineMs, now, seq);
    queue.items.push(pending);
    queue.rows += rows;
    this.rowsQueued += rows;
    if (deadline !== Infinity) this.deadlines.armAt(deadline);

    if (this.active < this.options.maxConcurrentBatches) {
      // Only fullness dispatches synchronously; time-based readiness waits for
      // the wake timer, so that a delay of 0 still merges this turn's requests.
      if (queue.solo || queue.rows >= this.sizing.fullRows) this.pump(false);
      else this.wake.armAt((queue.items.peek() ?? pending).enqueuedAt + this.delayMs);
    }
    return pending.promise;
  }

  /**
   * Stops accepting (new submits get OVERLOADED `closed`), dispatches every
   * queued request without waiting for the delay, and resolves once nothing
   * is queued or running. Nothing accepted is dropped. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.closing = { promise, resolve };
      this.pump(true);
      this.checkIdle();
    }
    return this.closing.promise;
  }

  /**
   * Dispatches ready batches while execution slots are free, oldest head
   * first; arms the wake timer for the earliest not-yet-ready queue.
   * @param timeReady whether a queue whose oldest request has waited the delay counts as ready
   */
  private pump(timeReady: boolean): void {
    while (this.active < this.options.maxConcurrentBatches) {
      const now = performance.now();
      const draining = this.closing !== undefined;
      let best: KeyQueue | undefined;
      let bestSeq = Infinity;
      let nextReadyAt = Infinity;
      for (const queue of this.queues.values()) {
        const head = queue.items.peek();
        if (head === undefined) continue;
        const readyAt = head.enqueuedAt + this.delayMs;
        if (draining || queue.solo || queue.rows >= this.sizing.fullRows || (timeReady && now >= readyAt)) {
          if (head.seq < bestSeq) {
            best = queue;
            bestSeq = head.seq;
          }
        } else if (readyAt < nextReadyAt) {
          nextReadyAt = readyAt;
        }
      }
      if (best === undefined) {
        if (nextReadyAt !== Infinity) this.wake.armAt(nextReadyAt);
        return;
      }
      this.dispatch(best, now);
    }
  }

  /** Takes whole requests from the head of `queue` up to the row cap and starts them. */
  private dispatch(queue: KeyQueue, now: number): void {
    const cap = this.sizing.capFor(queue.rows);
    const batch: PendingRequest[] = [];
    let rows = 0;
    for (let next = queue.items.peek(); next !== undefined; next = queue.items.peek()) {
      if (batch.length > 0 && rows + next.rows > cap) break;
      queue.items.shift();
      queue.rows -= next.rows;
      this.rowsQueued -= next.rows;
      // The deadline timer is coarse; this catches what it has not yet swept.
      if (next.deadline <= now) {
        this.expire(next);
        continue;
      }
      batch.push(next);
      rows += next.rows;
      if (rows >= cap) break;
    }
    if (queue.items.size === 0) this.queues.delete(queue.key);
    if (this.queues.size === 0) this.wake.cancel();
    if (batch.length === 0) {
      this.checkIdle();
      return;
    }
    this.active++;
    void this.execute(batch, rows, now);
  }

  /** Runs a dispatched batch and settles its requests; never rejects. */
  private async execute(batch: readonly PendingRequest[], rows: number, dispatchedAt: number): Promise<void> {
    let results: NamedTensors[] | undefined;
    let failure: unknown;
    try {
      results = await runBatch(this.name, this.run, batch, rows);
    } catch (err) {
      failure = err;
    }
    this.active--;
    this.report(batch, rows, dispatchedAt, performance.now());
    // Keep the model busy: start the next batch first; answering only queues microtasks.
    this.pump(true);
    for (let i = 0; i < batch.length; i++) {
      const request = batch[i] as PendingRequest;
      const outputs = results?.[i];
      if (outputs !== undefined) request.resolve(outputs);
      else request.reject(failure);
    }
    this.checkIdle();
  }

  /** Rejects every queued request whose deadline has passed; re-arms for the next one. */
  private sweepDeadlines(): void {
    const now = performance.now();
    let next = Infinity;
    for (const queue of this.queues.values()) {
      queue.items.retain((request) => {
        if (request.deadline > now) {
          if (request.deadline < next) next = request.deadline;
          return true;
        }
        queue.rows -= request.rows;
        this.rowsQueued -= request.rows;
        this.expire(request);
        return false;
      });
      if (queue.items.size === 0) this.queues.delete(queue.key);
    }
    if (next !== Infinity) this.deadlines.armAt(next);
    if (this.queues.size === 0) this.wake.cancel();
    this.checkIdle();
  }

  private expire(request: PendingRequest): void {
    const budget = request.deadlineMs ?? Math.max(0, Math.round(request.deadline - request.enqueuedAt));
    this.notifyReject('deadline');
    request.reject(deadlineExceeded(this.name, budget));
  }

  private refuse(error: Error, reason: RejectReason): Promise<NamedTensors> {
    this.notifyReject(reason);
    return Promise.reject(error);
  }

  private checkIdle(): void {
    if (this.closing === undefined || this.active > 0 || this.queues.size > 0) return;
    this.wake.cancel();
    this.deadlines.cancel();
    this.closing.resolve();
  }

  private report(batch: readonly PendingRequest[], rows: number, dispatchedAt: number, finishedAt: number): void {
    if (this.observer.onBatch === undefined) return;
    const queueUs = batch.map((r) => (dispatchedAt - r.enqueuedAt) * 1000);
    try {
      this.observer.onBatch({ rows, requests: batch.length, queueUs, computeUs: (finishedAt - dispatchedAt) * 1000 });
    } catch {
      // Telemetry must never leave a request unanswered.
    }
  }

  private notifyReject(reason: RejectReason): void {
    try {
      this.observer.onReject?.(reason);
    } catch {
      // As above.
    }
  }
}
