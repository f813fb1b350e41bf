import { describeFailure } from '../job-queue-error.js';
import type { JobHandler, QueueJob, QueueWorker, WorkerEvent, WorkOptions } from '../../ports/job-queue.js';
import { jsonOrNull, toQueueJob, type JobRow } from './job-queue-rows.js';
import type { AttemptOutcome, JobTable, Settled } from './job-queue-table.js';

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_GRACE_MS = 10_000;
/** Renewals are also how a worker notices a cancel made by another process, so they run at least this often. */
const MAX_HEARTBEAT_MS = 500;

/** What a worker needs from the queue that started it. */
export interface WorkerHost {
  readonly table: JobTable;
  readonly owner: string;
  readonly pollMs: number;
  now(): number;
  /** Called on every idle poll: lets the queue run its lazy retention sweep. */
  idle(): void;
  closed(worker: SqliteQueueWorker): void;
}

type DropReason = Extract<WorkerEvent, { type: 'dropped' }>['reason'];

interface Run {
  readonly job: QueueJob;
  readonly token: string;
  readonly controller: AbortController;
  /** Set once this attempt's outcome must not be written (cancelled, lease lost, handed back). */
  dropped: boolean;
  settled: Promise<void>;
}

/**
 * One `work()` loop. It claims jobs while it has free slots and otherwise sleeps
 * until a poll tick (jobs enqueued by other processes, retries whose backoff
 * ended) or a wake-up (a job enqueued by this process, a slot freed). One
 * heartbeat renews the leases of every job it runs, in one transaction.
 */
export class SqliteQueueWorker implements QueueWorker {
  readonly #runs = new Set<Run>();
  readonly #outcomes: { run: Run; outcome: AttemptOutcome; resolve: () => void }[] = [];
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #onEvent: ((event: WorkerEvent) => void) | undefined;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #loop: Promise<void>;
  #stopping = false;
  #woken = false;
  #wakeSleeper: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly host: WorkerHost,
    readonly queue: string,
    private readonly handler: JobHandler,
    options: WorkOptions = {},
  ) {
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#onEvent = options.onEvent;
    this.#heartbeat = setInterval(() => this.#renewLeases(), Math.min(this.#leaseMs / 3, MAX_HEARTBEAT_MS));
    this.#heartbeat.unref(); // the poll timer is what keeps a worker process alive
    this.#loop = this.#claimLoop();
  }

  /** A job may be waiting: claim now rather than at the next poll. */
  wake(): void {
    this.#woken = true;
    const sleeper = this.#wakeSleeper;
    this.#wakeSleeper = undefined;
    sleeper?.();
  }

  /** The job was cancelled through this process's queue: stop its handler now rather than at the next heartbeat. */
  cancelled(id: string): void {
    for (const run of this.#runs) if (run.job.id === id) this.#drop(run, 'cancelled');
  }

  close(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.#closing ??= this.#shutDown(graceMs);
    return this.#closing;
  }

  /**
   * Test hook: stops the worker the way a crash would. Leases are neither
   * renewed nor handed back, so its jobs run again only once their leases
   * expire; its handlers' results are dropped.
   */
  async abandon(): Promise<void> {
    this.#stopping = true;
    this.wake();
    clearInterval(this.#heartbeat);
    for (const run of this.#runs) {
      run.dropped = true;
      run.controller.abort(abortReason('lease-lost'));
    }
    await this.#loop;
    this.host.closed(this);
  }

  async #shutDown(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    if (this.#runs.size > 0) await settledWithin([...this.#runs].map((run) => run.settled), graceMs);
    clearInterval(this.#heartbeat);
    const now = this.host.now();
    for (const run of this.#runs) {
      if (run.dropped) continue;
      run.dropped = true;
      run.controller.abort(abortReason('shutdown'));
      try {
        this.host.table.handBack(run.job.id, run.token, now);
      } catch {
        // The file is unusable: the lease expires instead and the job runs again then.
      }
      this.#emit({ type: 'dropped', job: run.job, reason: 'shutdown' });
    }
    this.host.closed(this);
  }

  async #claimLoop(): Promise<void> {
    while (!this.#stopping) {
      const free = this.#concurrency - this.#runs.size;
      if (free > 0) this.#claim(free);
      await this.#sleep();
    }
  }

  #claim(limit: number): void {
    let claim;
    try {
      claim = this.host.table.claim(this.queue, this.host.owner, limit, this.#leaseMs, this.host.now());
    } catch {
      return; // locked past busy_timeout or unreadable: the next poll tries again
    }
    for (const row of claim.exhausted) {
      const job = toQueueJob(row);
      if (job.error) this.#emit({ type: 'failed', job, error: job.error });
    }
    for (const row of claim.claimed) this.#start(row);
    if (claim.claimed.length === 0) this.host.idle();
  }

  #start(row: JobRow): void {
    const job = toQueueJob(row);
    const controller = new AbortController();
    const run: Run = { job, token: row.lease_token ?? '', controller, dropped: false, settled: Promise.resolve() };
    this.#runs.add(run);
    this.#emit({ type: 'started', job });
    run.settled = Promise.resolve()
      .then(() => this.handler({ job, signal: controller.signal }))
      .then(
        (result) => this.#report(run, succeeded(run, result)),
        (err: unknown) => this.#report(run, failed(run, err)),
      );
  }

  /**
   * Outcomes are written in batches, one transaction per event-loop turn: with
   * many small jobs finishing together that is one commit, not one per job.
   * The run keeps its slot until its outcome is written.
   */
  #report(run: Run, outcome: AttemptOutcome): Promise<void> {
    if (run.dropped) {
      this.#runs.delete(run);
      this.wake();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#outcomes.push({ run, outcome, resolve });
      if (this.#outcomes.length === 1) setImmediate(() => this.#writeOutcomes());
    });
  }

  #writeOutcomes(): void {
    const batch = this.#outcomes.splice(0);
    const pending = batch.filter(({ run }) => !run.dropped);
    let settled: (Settled | undefined)[] = [];
    try {
      settled = this.host.table.settleMany(
        pending.map(({ outcome }) => outcome),
        this.host.now(),
      );
    } catch {
      // Unwritable for now: the jobs stay leased and run again once their leases expire.
      for (const { run } of pending) run.dropped = true;
    }
    pending.forEach(({ run, outcome }, i) => {
      if (run.dropped) return;
      const answer = settled[i];
      if (!answer) this.#drop(run, this.#lostReason(run));
      else if (outcome.kind === 'succeeded') this.#emit({ type: 'succeeded', job: toQueueJob(answer.row) });
      else if (answer.delayMs !== undefined) {
        this.#emit({ type: 'retrying', job: toQueueJob(answer.row), error: outcome.failure.error, delayMs: answer.delayMs });
      } else this.#emit({ type: 'failed', job: toQueueJob(answer.row), error: outcome.failure.error });
    });
    for (const { run, resolve } of batch) {
      this.#runs.delete(run);
      resolve();
    }
    this.wake();
  }

  #renewLeases(): void {
    const live = [...this.#runs].filter((run) => !run.dropped);
    if (live.length === 0) return;
    let renewed: boolean[];
    try {
      renewed = this.host.table.renewMany(
        live.map((run) => ({ id: run.job.id, token: run.token })),
        this.host.now() + this.#leaseMs,
      );
    } catch {
      return; // locked for now: the lease still has two renewals' worth of time
    }
    live.forEach((run, i) => {
      if (!renewed[i]) this.#drop(run, this.#lostReason(run));
    });
  }

  #lostReason(run: Run): DropReason {
    try {
      return this.host.table.status(run.job.id) === 'cancelled' ? 'cancelled' : 'lease-lost';
    } catch {
      return 'lease-lost';
    }
  }

  #drop(run: Run, reason: DropReason): void {
    if (run.dropped) return;
    run.dropped = true;
    run.controller.abort(abortReason(reason));
    this.#emit({ type: 'dropped', job: run.job, reason });
  }

  #sleep(): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeSleeper = undefined;
        resolve();
      }, this.host.pollMs);
      this.#wakeSleeper = () => {
        clearTimeout(timer);
        // Wake-ups of one event-loop turn (a burst of enqueues, a batch of finished jobs) make one claim.
        setImmediate(() => {
          this.#woken = false;
          resolve();
        });
      };
    });
  }

  #emit(event: WorkerEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A listener's bug must not stop the worker.
    }
  }
}

function succeeded(run: Run, result: unknown): AttemptOutcome {
  try {
    return { kind: 'succeeded', id: run.job.id, token: run.token, resultJson: jsonOrNull(result) };
  } catch (err) {
    return failed(run, err); // a result JSON cannot carry (a BigInt, a cycle) fails the attempt
  }
}

function failed(run: Run, err: unknown): AttemptOutcome {
  return { kind: 'failed', id: run.job.id, token: run.token, failure: describeFailure(err) };
}

function abortReason(reason: DropReason): Error {
  const why = { cancelled: 'the job was cancelled', 'lease-lost': 'this worker lost the job lease', shutdown: 'the worker is shutting down' };
  return new DOMException(why[reason], 'AbortError');
}

async function settledWithin(promises: readonly Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
