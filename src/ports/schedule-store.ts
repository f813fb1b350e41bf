/**
 * ScheduleStore: where schedulers claim the ticks of `schedules:` and record
 * their runs. The claim is what makes a tick run once across any number of
 * schedulers (processes, machines) sharing one store: the row for a
 * (schedule, scheduledAt) pair is unique, so exactly one insert wins.
 * Adapters: SQLite (the state directory's metadata database) and PostgreSQL
 * (`storage.metadata: postgres://…`); both pass
 * test/contract/schedule-store.contract.ts.
 * Timestamps are ISO-8601 strings (UTC, millisecond precision).
 */

export const SCHEDULE_RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped'] as const;
export type ScheduleRunStatus = (typeof SCHEDULE_RUN_STATUSES)[number];

/** One tick of one schedule, as recorded. */
export interface ScheduleRun {
  readonly id: number;
  readonly schedule: string;
  /** The cron time of the tick (not when it started): the same on every scheduler. */
  readonly scheduledAt: string;
  readonly status: ScheduleRunStatus;
  readonly startedAt: string;
  /** `null` while running. */
  readonly finishedAt: string | null;
  /** Attempts made so far (0 for a skipped tick). */
  readonly attempts: number;
  /** Why it failed or was skipped (`overlap`), else `null`. */
  readonly error: string | null;
  /** What the job reported (rows written, …), when it succeeded. */
  readonly summary: Readonly<Record<string, unknown>> | null;
  /** Which scheduler ran it (`host:pid:random`). */
  readonly owner: string;
  /** Last sign of life of a running run; a run silent for longer than the lease is taken as dead. */
  readonly heartbeatAt: string;
}

export interface ClaimRequest {
  readonly schedule: string;
  readonly scheduledAt: Date;
  readonly owner: string;
  /**
   * A `running` run whose heartbeat is older than this is taken as abandoned (its
   * scheduler died): it is marked failed and does not block the new tick.
   */
  readonly staleAfterMs: number;
}

/**
 * - `claimed`: this caller runs the tick (`run` is its `running` row);
 * - `taken`: another scheduler claimed this tick already (nothing recorded);
 * - `overlap`: the schedule's previous run is still running, so the tick was recorded as skipped.
 */
export type ClaimResult =
  | { readonly outcome: 'claimed'; readonly run: ScheduleRun }
  | { readonly outcome: 'taken' }
  | { readonly outcome: 'overlap'; readonly run: ScheduleRun };

export interface RunCompletion {
  readonly status: 'succeeded' | 'failed';
  readonly attempts: number;
  readonly error?: string | undefined;
  readonly summary?: Readonly<Record<string, unknown>> | undefined;
}

export interface ScheduleStore {
  /** Claims a tick atomically (see ClaimResult); concurrent claims of one tick: exactly one `claimed`. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Records an attempt and refreshes the heartbeat of a running run. */
  heartbeat(id: number, attempts: number): Promise<void>;
  /** Ends a running run. */
  finish(id: number, completion: RunCompletion): Promise<ScheduleRun>;
  /** Runs of one schedule, newest tick first. */
  history(schedule: string, limit: number): Promise<ScheduleRun[]>;
  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
