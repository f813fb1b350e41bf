import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  EnqueueOptions,
  EnqueueResult,
  JobHandler,
  JobQueue,
  JobQueueOptions,
  QueueJob,
  QueueJobStatus,
  WorkOptions,
} from '../../ports/job-queue.js';
import { JOB_QUEUE_SCHEMA, jsonOrNull, toQueueJob } from './job-queue-rows.js';
import { JobTable, type NewJobRow } from './job-queue-table.js';
import { SqliteQueueWorker, type WorkerHost } from './job-queue-worker.js';
import { openDatabase, Statements, toStoreError, type SqliteDatabase } from './session.js';

export interface SqliteJobQueueOptions extends JobQueueOptions {
  /** Database file (its folder is created). Several processes may share it: workers in any of them. */
  readonly path: string;
  /** How often an idle worker looks for jobs enqueued by other processes, in ms. @default 50 */
  readonly pollMs?: number;
  /** Clock in milliseconds, injectable for tests. @default Date.now */
  readonly now?: () => number;
}

interface PendingInsert {
  readonly request: NewJobRow;
  readonly resolve: (result: EnqueueResult) => void;
  readonly reject: (err: unknown) => void;
}

const DEFAULT_RETENTION_MS = 86_400_000;
const DEFAULT_POLL_MS = 50;

/**
 * The JobQueue port on an embedded SQLite file (src/ports/job-queue.ts has the
 * guarantees; docs/jobs-queue.md the design). No server: the file is the
 * queue, WAL lets enqueuers and workers in several processes share it, and a
 * lease with a visibility timeout brings back the jobs of a worker that died.
 * A worker in this process is woken at once when this process enqueues; workers
 * elsewhere see a new job within `pollMs`.
 *
 * The database opens on first use, so building the adapter costs no I/O.
 */
export class SqliteJobQueue implements JobQueue {
  readonly #path: string;
  readonly #retentionMs: number;
  readonly #pollMs: number;
  readonly #now: () => number;
  readonly #owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly #workers = new Set<SqliteQueueWorker>();
  readonly #inserts: PendingInsert[] = [];
  #db: SqliteDatabase | undefined;
  #table: JobTable | undefined;
  #lastSweep = 0;
  #closed = false;

  constructor(options: SqliteJobQueueOptions) {
    this.#path = options.path;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Submissions are inserted in batches, one transaction per event-loop turn
   * (a burst of HTTP submissions is one commit, not one per job).
   */
  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    this.#open();
    const request: NewJobRow = { queue, name, payloadJson: jsonOrNull(payload) ?? 'null', options };
    return new Promise((resolve, reject) => {
      this.#inserts.push({ request, resolve, reject });
      if (this.#inserts.length === 1) setImmediate(() => this.#insertPending());
    });
  }

  async get(id: string): Promise<QueueJob | undefined> {
    const table = this.#open();
    const row = guard(() => table.get(id, this.#now()));
    return row && toQueueJob(row);
  }

  async cancel(id: string): Promise<QueueJob | undefined> {
    const table = this.#open();
    const row = guard(() => table.cancel(id, this.#now()));
    if (row?.status === 'cancelled') for (const worker of this.#workers) worker.cancelled(id);
    return row && toQueueJob(row);
  }

  work(queue: string, handler: JobHandler, options?: WorkOptions): SqliteQueueWorker {
    const table = this.#open();
    const host: WorkerHost = {
      table,
      owner: this.#owner,
      pollMs: this.#pollMs,
      now: this.#now,
      idle: () => this.#sweepIfDue(this.#now()),
      closed: (worker) => this.#workers.delete(worker),
    };
    const worker = new SqliteQueueWorker(host, queue, handler, options);
    this.#workers.add(worker);
    return worker;
  }

  async counts(queue: string): Promise<Record<QueueJobStatus, number>> {
    const table = this.#open();
    return guard(() => table.counts(queue, this.#now()));
  }

  /** Deletes the jobs finished longer ago than the retention time now (otherwise done lazily); answers how many went. */
  async purgeFinished(): Promise<number> {
    const table = this.#open();
    return guard(() => table.sweep(this.#now()));
  }

  /** Workers still open are closed without grace: their jobs are handed back, none is lost. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#insertPending();
    await Promise.all([...this.#workers].map((worker) => worker.close(0)));
    this.#closed = true;
    this.#db?.close();
    this.#db = undefined;
    this.#table = undefined;
  }

  #insertPending(): void {
    const batch = this.#inserts.splice(0);
    if (batch.length === 0) return;
    const table = this.#table;
    const now = this.#now();
    const insert = (pending: readonly PendingInsert[]): void => {
      if (!table) throw new Error('the SQLite job queue is closed');
      const inserted = table.insertMany(
        pending.map(({ request }) => request),
        now,
      );
      pending.forEach((waiting, i) => {
        const { row, created } = inserted[i]!;
        waiting.resolve({ job: toQueueJob(row), created });
      });
    };
    try {
      insert(batch);
    } catch {
      // One bad submission must not fail the others: insert them one by one to find it.
      for (const pending of batch) {
        try {
          insert([pending]);
        } catch (err) {
          pending.reject(toStoreError(err));
        }
      }
    }
    const queues = new Set(batch.map(({ request }) => request.queue));
    for (const worker of this.#workers) if (queues.has(worker.queue)) worker.wake();
    this.#sweepIfDue(now);
  }

  #open(): JobTable {
    if (this.#closed) throw new Error('the SQLite job queue is closed');
    if (this.#table) return this.#table;
    const db = openDatabase(this.#path);
    try {
      db.exec(JOB_QUEUE_SCHEMA);
    } catch (err) {
      db.close();
      throw toStoreError(err);
    }
    this.#db = db;
    this.#table = new JobTable(new Statements(db), this.#retentionMs);
    return this.#table;
  }

  /** Retention is lazy: finished jobs are deleted now and then, by whoever is using the queue. */
  #sweepIfDue(now: number): void {
    const every = Math.min(60_000, Math.max(1_000, this.#retentionMs));
    if (now - this.#lastSweep < every || !this.#table) return;
    this.#lastSweep = now;
    try {
      this.#table.sweep(now);
    } catch {
      // Busy: the next sweep deletes them; reads already hide them.
    }
  }
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw toStoreError(err);
  }
}
