import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as wait } from 'node:timers/promises';
import { Cron } from 'croner';
import type { ScheduleRun, ScheduleStore } from '../ports/schedule-store.js';
import type { ScheduleEntry } from './schema.js';

/** What a run of a tick is told; `signal` aborts when the scheduler stops. */
export interface ScheduledJobContext {
  readonly schedule: string;
  readonly scheduledAt: Date;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly signal: AbortSignal;
}

/**
 * A failure another attempt cannot change (a training run rejected by its gate,
 * a pipeline file that does not load): the tick is recorded failed at once, its
 * retries unused.
 */
export class FinalJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FinalJobError';
  }
}

/** Runs a schedule's job once; resolves with the summary to record, rejects to fail the attempt (FinalJobError: and the tick). */
export type RunScheduledJob = (entry: ScheduleEntry, context: ScheduledJobContext) => Promise<Readonly<Record<string, unknown>>>;

export type ScheduleEvent =
  | { readonly type: 'claimed'; readonly run: ScheduleRun }
  | { readonly type: 'taken'; readonly schedule: string; readonly scheduledAt: Date }
  | { readonly type: 'skipped'; readonly run: ScheduleRun }
  | { readonly type: 'attempt-failed'; readonly run: ScheduleRun; readonly attempt: number; readonly error: string }
  | { readonly type: 'finished'; readonly run: ScheduleRun }
  | { readonly type: 'error'; readonly schedule: string; readonly error: string };

/** What one tick came to on this scheduler. */
export type TickResult =
  | { readonly outcome: 'ran'; readonly run: ScheduleRun }
  | { readonly outcome: 'taken' }
  | { readonly outcome: 'overlap'; readonly run: ScheduleRun };

export interface SchedulerOptions {
  readonly schedules: readonly ScheduleEntry[];
  readonly store: ScheduleStore;
  readonly runJob: RunScheduledJob;
  /** Names this scheduler in the run history. @default "<host>:<pid>:<random>" */
  readonly owner?: string;
  /**
   * A running run's heartbeat is refreshed every third of this; a run silent for
   * longer is taken as dead (its scheduler crashed) and stops blocking its schedule.
   * @default 60000
   */
  readonly leaseMs?: number;
  /** Told every claim, skip, failed attempt and finished run (logs, tests). */
  readonly onEvent?: (event: ScheduleEvent) => void;
}

export const DEFAULT_LEASE_MS = 60_000;

/**
 * Fires the enabled schedules on their crons (croner) and runs each tick at
 * most once across every scheduler sharing the store: a tick is claimed in
 * the store first, and only the claim's winner runs it. A failed run is
 * retried with exponential backoff (retryBackoffMs · 2^(n-1)) within its tick.
 */
export class Scheduler {
  readonly owner: string;
  readonly #options: SchedulerOptions;
  readonly #entries: ReadonlyMap<string, ScheduleEntry>;
  readonly #leaseMs: number;
  readonly #crons: Cron[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #stopping = new AbortController();

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#entries = new Map(options.schedules.map((s) => [s.name, s]));
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Starts the crons of the enabled schedules. */
  start(): void {
    for (const entry of this.#entries.values()) {
      if (!entry.enabled) continue;
      // Every scheduler must name a tick alike, whatever its timer's lateness: the cron time it was due at.
      const cron: Cron = new Cron(entry.cron, { timezone: entry.timezone }, () => {
        const due = expected ?? new Date(Math.floor(Date.now() / 1000) * 1000);
        expected = cron.nextRun();
        this.tick(entry.name, due).catch((err: unknown) => this.#emit({ type: 'error', schedule: entry.name, error: messageOf(err) }));
      });
      let expected = cron.nextRun();
      this.#crons.push(cron);
    }
  }

  /** The next fire times of a schedule (none when disabled). */
  nextRuns(name: string, count: number, from = new Date()): Date[] {
    const entry = this.#entry(name);
    if (!entry.enabled) return [];
    const cron = new Cron(entry.cron, { timezone: entry.timezone, paused: true });
    const runs = cron.nextRuns(count, from);
    cron.stop();
    return runs;
  }

  /**
   * Claims and runs one tick of a schedule. The crons call it; tests and
   * `schedules run --now` call it directly with the tick's cron time.
   */
  tick(name: string, scheduledAt: Date): Promise<TickResult> {
    return this.#track(this.#tick(this.#entry(name), scheduledAt));
  }

  async #tick(entry: ScheduleEntry, scheduledAt: Date): Promise<TickResult> {
    const name = entry.name;
    const { store } = this.#options;
    const claim = await store.claim({ schedule: name, scheduledAt, owner: this.owner, staleAfterMs: this.#leaseMs });
    if (claim.outcome === 'taken') {
      this.#emit({ type: 'taken', schedule: name, scheduledAt });
      return { outcome: 'taken' };
    }
    if (claim.outcome === 'overlap') {
      this.#emit({ type: 'skipped', run: claim.run });
      return { outcome: 'overlap', run: claim.run };
    }
    this.#emit({ type: 'claimed', run: claim.run });
    return { outcome: 'ran', run: await this.#runClaimed(entry, claim.run, scheduledAt) };
  }

  /** Stops the crons, aborts running jobs (their batch runs resume on a later attempt) and waits for them to be recorded. */
  async stop(): Promise<void> {
    for (const cron of this.#crons.splice(0)) cron.stop();
    this.#stopping.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  async #runClaimed(entry: ScheduleEntry, claimed: ScheduleRun, scheduledAt: Date): Promise<ScheduleRun> {
    const { store, runJob } = this.#options;
    const signal = this.#stopping.signal;
    let made = 0;
    const beat = setInterval(() => {
      store.heartbeat(claimed.id, made).catch((err: unknown) => this.#emit({ type: 'error', schedule: entry.name, error: messageOf(err) }));
    }, Math.max(10, Math.floor(this.#leaseMs / 3)));
    beat.unref();
    let lastError = '';
    try {
      for (let attempt = 1; attempt <= entry.retries + 1 && !signal.aborted; attempt++) {
        made = attempt;
        // A missed heartbeat is not a reason to skip the work; the lease absorbs a few.
        await store.heartbeat(claimed.id, attempt).catch((err: unknown) => this.#emit({ type: 'error', schedule: entry.name, error: messageOf(err) }));
        try {
          const summary = await runJob(entry, { schedule: entry.name, scheduledAt, attempt, signal });
          const run = await store.finish(claimed.id, { status: 'succeeded', attempts: attempt, summary });
          this.#emit({ type: 'finished', run });
          return run;
        } catch (err) {
          lastError = messageOf(err);
          this.#emit({ type: 'attempt-failed', run: claimed, attempt, error: lastError });
          if (err instanceof FinalJobError) break;
        }
        if (attempt <= entry.retries) {
          const delay = entry.retryBackoffMs * 2 ** (attempt - 1);
          await wait(delay, undefined, { signal }).catch(() => undefined);
        }
      }
      const error = signal.aborted ? `stopped: the scheduler shut down (${lastError || 'no attempt finished'})` : lastError;
      const run = await store.finish(claimed.id, { status: 'failed', attempts: made, error });
      this.#emit({ type: 'finished', run });
      return run;
    } finally {
      clearInterval(beat);
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const forget = (): void => void this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  #entry(name: string): ScheduleEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new Error(`unknown schedule "${name}" (schedules: ${[...this.#entries.keys()].join(', ') || 'none'})`);
    return entry;
  }

  #emit(event: ScheduleEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A listener's failure must not fail the run it was told about.
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
