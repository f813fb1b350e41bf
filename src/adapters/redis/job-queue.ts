import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  JOB_STATUSES,
  type EnqueueOptions,
  type EnqueueResult,
  type JobHandler,
  type JobQueue,
  type JobQueueOptions,
  type QueueJob,
  type QueueJobStatus,
  type QueueWorker,
  type WorkOptions,
} from '../../ports/job-queue.js';
import { newBullId, parseJobId } from './job-queue-ids.js';
import { QueueScripts, queueKeys, CANCELLED_SET, type QueueKeyOf } from './job-queue-scripts.js';
import { CANCELLED_FIELD, finishedMs, rawOfJob, statusOf, toQueueJob, type BullJobData } from './job-queue-view.js';
import { BACKOFF_TYPE, BullQueueWorker } from './job-queue-worker.js';

export interface BullJobQueueOptions extends JobQueueOptions {
  /** @example "redis://127.0.0.1:6379" */
  readonly url: string;
  /** BullMQ key prefix: keys are `<prefix>:<queue>:…`. Use `{name}` (a hash tag) on Redis Cluster. @default "mlp:bull" */
  readonly prefix?: string;
  /** How often a worker checks whether its running jobs were cancelled. @default 250 */
  readonly cancelPollMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 1000;
const DEFAULT_RETENTION_MS = 86_400_000;

/** Reconnect quickly and forever: a queue must come back by itself when Redis does. */
const reconnect: RedisOptions['retryStrategy'] = (times) => Math.min(times * 100, 2000);

/**
 * The JobQueue port on BullMQ 5 (Redis): workers on any number of machines
 * share the queues. How the port maps onto BullMQ (ids, cancellation, leases,
 * retention) is in docs/jobs-queue.md, "BullMQ adapter".
 *
 * Connections: one for producing and reading (shared by every queue this
 * object touches), and per `work()` one more for the worker plus the blocking
 * one BullMQ opens beside it (`maxRetriesPerRequest: null`, as BullMQ
 * requires: a worker waits out a Redis restart instead of failing jobs).
 */
export class BullJobQueue implements JobQueue {
  readonly #url: string;
  readonly #prefix: string;
  readonly #retentionMs: number;
  readonly #cancelPollMs: number;
  readonly #client: Redis;
  readonly #scripts: QueueScripts;
  readonly #queues = new Map<string, Queue<BullJobData>>();
  readonly #workers = new Map<BullQueueWorker, string>();

  constructor(options: BullJobQueueOptions) {
    this.#url = options.url;
    this.#prefix = (options.prefix ?? 'mlp:bull').replace(/:+$/, '');
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#cancelPollMs = options.cancelPollMs ?? 250;
    this.#client = new Redis(options.url, { retryStrategy: reconnect });
    // Errors reach callers as failed commands; the listener stops ioredis printing each reconnect.
    this.#client.on('error', () => undefined);
    this.#scripts = new QueueScripts(this.#client);
  }

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const q = this.#queue(queue);
    const bullId = newBullId(options.key);
    const nonce = randomUUID();
    const data: BullJobData = {
      payload: JSON.parse(JSON.stringify(payload) ?? 'null') as unknown,
      nonce,
      ...(options.key !== undefined && { key: options.key }),
      ...(options.meta !== undefined && { meta: { ...options.meta } }),
    };
    // BullMQ ages are whole seconds; rounding up keeps jobs at least retentionMs (reads hide them on time).
    const keep = { age: Math.max(1, Math.ceil(this.#retentionMs / 1000)) };
    const add = () =>
      q.add(name, data, {
        jobId: bullId,
        attempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        backoff: { type: BACKOFF_TYPE, delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
        removeOnComplete: keep,
        removeOnFail: keep,
      });
    const added = await add();
    if (options.key === undefined) return { job: toQueueJob(queue, bullId, rawOfJob(added), 'queued'), created: true };

    // Keyed: BullMQ added nothing if the id (derived from the key) was taken; the nonce tells.
    const keys = this.#keys(queue);
    for (let tries = 0; tries < 3; tries++) {
      const found = await this.#scripts.read(keys, bullId);
      if (found) {
        const job = this.#toVisibleJob(queue, bullId, found.raw, found.state);
        const mine = (JSON.parse(found.raw.data ?? '{}') as Partial<BullJobData>).nonce === nonce;
        if (job) return { job, created: mine };
        // A key whose job outlived its retention is free again.
        await q.remove(bullId).catch(() => 0);
      }
      await add();
    }
    throw new Error(`job key "${options.key}" in queue "${queue}": the job kept disappearing while being submitted`);
  }

  async get(id: string): Promise<QueueJob | undefined> {
    const ref = parseJobId(id);
    if (!ref) return undefined;
    const found = await this.#scripts.read(this.#keys(ref.queue), ref.bullId);
    const job = found && this.#toVisibleJob(ref.queue, ref.bullId, found.raw, found.state);
    // Another generation of a keyed job (the one this id named is gone) is not this id's job.
    return job?.id === id ? job : undefined;
  }

  async cancel(id: string): Promise<QueueJob | undefined> {
    const ref = parseJobId(id);
    if (!ref || !(await this.get(id))) return undefined;
    const outcome = await this.#scripts.cancel(this.#keys(ref.queue), ref.bullId, Date.now());
    if (outcome === 'missing') return undefined;
    if (outcome === 'running') {
      for (const [worker, queue] of this.#workers) if (queue === ref.queue) worker.abortCancelled(ref.bullId);
    }
    return this.get(id);
  }

  work(queue: string, handler: JobHandler, options: WorkOptions = {}): QueueWorker {
    const connection = new Redis(this.#url, { maxRetriesPerRequest: null, retryStrategy: reconnect });
    connection.on('error', () => undefined);
    const worker = new BullQueueWorker({
      queue,
      prefix: this.#prefix,
      keys: this.#keys(queue),
      connection,
      handler,
      options,
      cancelPollMs: this.#cancelPollMs,
      sweep: () => this.#sweep(queue),
      sweepEveryMs: Math.min(Math.max(this.#retentionMs, 1000), 60_000),
      onClosed: () => this.#workers.delete(worker),
    });
    this.#workers.set(worker, queue);
    return worker;
  }

  async counts(queue: string): Promise<Record<QueueJobStatus, number>> {
    const [queued, running, succeeded, failed, cancelled] = await this.#scripts.counts(this.#keys(queue), Date.now() - this.#retentionMs);
    const counts = { queued, running, succeeded, failed, cancelled };
    return Object.fromEntries(JOB_STATUSES.map((status) => [status, counts[status]])) as Record<QueueJobStatus, number>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => undefined)));
    this.#queues.clear();
    await this.#client.quit().catch(() => undefined);
    this.#client.disconnect();
  }

  /** Retention for quiet queues: BullMQ removes aged jobs only when another job finishes. */
  async #sweep(queue: string): Promise<void> {
    const q = this.#queue(queue);
    await q.clean(this.#retentionMs, 1000, 'completed');
    await q.clean(this.#retentionMs, 1000, 'failed');
    await this.#client.zremrangebyscore(this.#keys(queue)(CANCELLED_SET), '-inf', Date.now() - this.#retentionMs);
  }

  #toVisibleJob(queue: string, bullId: string, raw: Record<string, string>, state: Parameters<typeof statusOf>[0]): QueueJob | undefined {
    const status = statusOf(state, raw[CANCELLED_FIELD] !== undefined);
    const finished = finishedMs(raw, status);
    if (finished !== undefined && finished <= Date.now() - this.#retentionMs) return undefined;
    return toQueueJob(queue, bullId, raw, status);
  }

  #keys(queue: string): QueueKeyOf {
    return queueKeys(this.#prefix, queue);
  }

  #queue(name: string): Queue<BullJobData> {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Queue<BullJobData>(name, { connection: this.#client, prefix: this.#prefix });
      q.on('error', () => undefined);
      this.#queues.set(name, q);
    }
    return q;
  }
}
