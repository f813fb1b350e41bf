import { MlError, toMlError } from '../errors/ml-error.js';
import type { JobResult, JobStore, NewJob } from '../ports/job-store.js';
import type { InstanceKey } from '../protocol/friendly.js';
import type { NodeValue } from './node-value.js';

/** One job finishing (the server counts them in mlpatterns_jobs_total). */
export interface JobEvent {
  readonly service: string;
  readonly status: 'succeeded' | 'failed';
}

/**
 * What a graph node sees of the jobs (RunContext.jobs): starts work in the
 * background and names it by the job id. Bound to one request, so the job
 * records its service and request id, and its result echoes the request's keys.
 */
export interface JobLauncher {
  /** Records the job and starts `work` without waiting for it; resolves with the job id. */
  start(work: () => Promise<NodeValue>): Promise<string>;
}

export interface BackgroundJobsOptions {
  readonly onJob?: (event: JobEvent) => void;
  /** How long `close` waits for running jobs before failing them with SHUTTING_DOWN. @default 5000 */
  readonly drainMs?: number;
}

export interface RequestOfJobs {
  readonly service: string;
  readonly requestId: string;
  readonly keys?: readonly InstanceKey[] | undefined;
}

/**
 * Runs jobs in this process and records them in a JobStore. The store may
 * outlive the process (a database); the work does not, so `close` waits a
 * bounded time for running jobs, then marks those still running as failed with
 * SHUTTING_DOWN: a job is never left "running" for ever by a restart here.
 */
export class BackgroundJobs {
  readonly #store: JobStore;
  readonly #onJob: ((event: JobEvent) => void) | undefined;
  readonly #drainMs: number;
  readonly #running = new Map<string, { readonly service: string; readonly done: Promise<void> }>();
  /** Jobs `close` failed: their late outcome is neither recorded nor counted. */
  readonly #givenUp = new Set<string>();
  #closed = false;

  constructor(store: JobStore, options: BackgroundJobsOptions = {}) {
    this.#store = store;
    this.#onJob = options.onJob;
    this.#drainMs = options.drainMs ?? 5000;
  }

  /** Records a job for `job` and runs `work` in the background; resolves with its id once recorded. */
  async start(job: NewJob, work: () => Promise<JobResult>): Promise<string> {
    if (this.#closed) throw new MlError('SHUTTING_DOWN');
    const id = await this.#store.create(job);
    const done = this.#run(id, job.service, work).finally(() => this.#running.delete(id));
    this.#running.set(id, { service: job.service, done });
    return id;
  }

  /** A launcher for the nodes of one request (RunContext.jobs); `started` lists its jobs in start order. */
  launcher(request: RequestOfJobs): JobLauncher & { readonly started: readonly string[] } {
    const started: string[] = [];
    return {
      started,
      start: async (work) => {
        const id = await this.start({ service: request.service, requestId: request.requestId }, async () => jobResult(await work(), request.keys));
        started.push(id);
        return id;
      },
    };
  }

  /** Refuses new jobs, waits up to `drainMs` for running ones, then fails the rest with SHUTTING_DOWN. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#drainMs)));
    await Promise.race([Promise.all([...this.#running.values()].map((r) => r.done)), deadline]);
    clearTimeout(timer);
    const error = new MlError('SHUTTING_DOWN');
    await Promise.all(
      [...this.#running].map(async ([id, { service }]) => {
        this.#givenUp.add(id);
        await this.#finish(service, 'failed', () => this.#store.fail(id, { code: error.code, message: `${error.message}: the job was still running` }));
      }),
    );
  }

  async #run(id: string, service: string, work: () => Promise<JobResult>): Promise<void> {
    let outcome: { status: 'succeeded'; result: JobResult } | { status: 'failed'; error: MlError };
    try {
      await this.#store.markRunning(id);
      outcome = { status: 'succeeded', result: await work() };
    } catch (err) {
      outcome = { status: 'failed', error: toMlError(err) };
    }
    if (this.#givenUp.has(id)) return;
    if (outcome.status === 'succeeded') {
      const { result } = outcome;
      if (await this.#finish(service, 'succeeded', () => this.#store.complete(id, result))) return;
      outcome = { status: 'failed', error: new MlError('STORE_UNAVAILABLE', { reason: 'the job result could not be recorded' }) };
    }
    const { code, message } = outcome.error;
    await this.#finish(service, 'failed', () => this.#store.fail(id, { code, message }));
  }

  /** Records an outcome and counts it; false when the store refused it (nothing else can be done then). */
  async #finish(service: string, status: 'succeeded' | 'failed', record: () => Promise<void>): Promise<boolean> {
    try {
      await record();
    } catch {
      return false;
    }
    this.#onJob?.({ service, status });
    return true;
  }
}

/** A job's result: the fields a predict response would carry for the same value. */
export function jobResult(value: NodeValue, keys: readonly InstanceKey[] | undefined): JobResult {
  return {
    predictions: value.rows,
    ...(value.labels ? { labels: value.labels } : {}),
    ...(keys ? { keys } : {}),
    ...value.extras,
    ...(value.route !== undefined ? { route: value.route } : {}),
    ...(value.failed ? { partial: true, failed: value.failed } : {}),
  };
}
