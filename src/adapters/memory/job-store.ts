import { randomUUID } from 'node:crypto';
import { MlError } from '../../errors/ml-error.js';
import type { JobError, JobRecord, JobResult, JobStore, JobStoreLimits, NewJob } from '../../ports/job-store.js';

interface Entry {
  record: Omit<JobRecord, 'result'>;
  /** Kept as JSON, as a database would keep it: every read parses a fresh copy. */
  resultJson?: string;
  finishedAtMs?: number;
}

/**
 * Jobs in process memory, bounded: at most `maxJobs` entries, finished ones
 * readable for `ttlMs`. Finished ids also sit in a second Map in the order they
 * finished, so expiry and eviction take the oldest finished job in O(1) and
 * never look at unfinished ones, which are only ever dropped by finishing.
 * Lost on restart: a job started before a restart is unknown after it.
 */
export class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, Entry>();
  readonly #finished = new Map<string, number>();
  readonly #maxJobs: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(limits: JobStoreLimits = {}) {
    this.#maxJobs = limits.maxJobs ?? 10_000;
    this.#ttlMs = limits.ttlMs ?? 3_600_000;
    if (!Number.isInteger(this.#maxJobs) || this.#maxJobs < 1) throw new RangeError('maxJobs must be a positive integer');
    if (!(this.#ttlMs >= 0)) throw new RangeError('ttlMs must be 0 or more');
    this.#now = limits.now ?? Date.now;
  }

  /** Jobs held now, finished ones not yet expired included. */
  get size(): number {
    return this.#jobs.size;
  }

  async create(job: NewJob): Promise<string> {
    const now = this.#now();
    this.#expire(now);
    if (this.#jobs.size >= this.#maxJobs) this.#evictOldestFinished();
    const id = randomUUID();
    const record = {
      id,
      status: 'queued' as const,
      service: job.service,
      ...(job.requestId !== undefined ? { requestId: job.requestId } : {}),
      createdAt: new Date(now).toISOString(),
    };
    this.#jobs.set(id, { record });
    return id;
  }

  async markRunning(id: string): Promise<void> {
    const entry = this.#entry(id);
    if (entry.record.status === 'queued') entry.record = { ...entry.record, status: 'running' };
  }

  async complete(id: string, result: JobResult): Promise<void> {
    const entry = this.#entry(id);
    if (this.#finish(entry, 'succeeded')) entry.resultJson = JSON.stringify(result);
  }

  async fail(id: string, error: JobError): Promise<void> {
    const entry = this.#entry(id);
    const { code, message } = error;
    if (this.#finish(entry, 'failed')) entry.record = { ...entry.record, error: { code, message } };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const entry = this.#jobs.get(id);
    if (!entry) return undefined;
    if (entry.finishedAtMs !== undefined && entry.finishedAtMs + this.#ttlMs <= this.#now()) {
      this.#drop(id);
      return undefined;
    }
    const { record, resultJson } = entry;
    return {
      ...record,
      ...(record.error ? { error: { ...record.error } } : {}),
      ...(resultJson !== undefined ? { result: JSON.parse(resultJson) as JobResult } : {}),
    };
  }

  async close(): Promise<void> {
    this.#jobs.clear();
    this.#finished.clear();
  }

  #entry(id: string): Entry {
    const entry = this.#jobs.get(id);
    if (!entry) throw new MlError('JOB_NOT_FOUND', { id });
    return entry;
  }

  /** Moves an unfinished job to `status`; false when it had already finished (the first outcome stands). */
  #finish(entry: Entry, status: 'succeeded' | 'failed'): boolean {
    if (entry.record.status === 'succeeded' || entry.record.status === 'failed') return false;
    const now = this.#now();
    entry.finishedAtMs = now;
    entry.record = { ...entry.record, status, finishedAt: new Date(now).toISOString() };
    this.#finished.set(entry.record.id, now);
    return true;
  }

  #expire(now: number): void {
    for (const [id, finishedAt] of this.#finished) {
      if (finishedAt + this.#ttlMs > now) break;
      this.#drop(id);
    }
  }

  #evictOldestFinished(): void {
    const oldest = this.#finished.keys().next();
    if (oldest.done) throw new MlError('JOB_STORE_FULL', { maxJobs: this.#maxJobs });
    this.#drop(oldest.value);
  }

  #drop(id: string): void {
    this.#jobs.delete(id);
    this.#finished.delete(id);
  }
}
