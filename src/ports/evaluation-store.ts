import type { Evaluation } from '../evaluation/evaluate.js';

/**
 * EvaluationStore: the timeline of continued evaluation (docs/feedback-and-evaluation.md) —
 * one row per (model, version, window start, window length) with the window's counts and
 * quality metrics, written by `mlpatterns eval run` and `evaluate:` schedules, read by
 * `eval report --stored`, monitors (`evaluation:`) and `promote --gate`. Saving a window
 * again replaces its numbers (late feedback improves past windows); each distinct result
 * is also kept as a revision, so how a window's accuracy moved as feedback arrived stays
 * visible. Adapters: SQLite (the state directory's metadata database, beside the
 * registry) and PostgreSQL (`storage.metadata: postgres://…`); both pass
 * test/contract/evaluation-store.contract.ts.
 * Timestamps are ISO-8601 strings (UTC, millisecond precision).
 */

/** One stored window: the evaluation as computed last, and when. */
export interface StoredEvaluation extends Evaluation {
  /** Width of the window, ms (window_end − window_start). */
  readonly window_ms: number;
  /** The last time a run computed this window, whether or not its numbers changed. */
  readonly computed_at: string;
  /** When its numbers last changed (the computation that stored them). */
  readonly revised_at: string;
  /** How many distinct results the window has had (1 for a window never revised). */
  readonly revisions: number;
}

/** One distinct result of a window, as first computed. */
export interface EvaluationRevision extends Evaluation {
  readonly window_ms: number;
  readonly computed_at: string;
}

/** What one `save` did to each window it was given. */
export interface SaveResult {
  /** Windows stored for the first time. */
  readonly created: number;
  /** Windows whose numbers changed (a new revision). */
  readonly revised: number;
  /** Windows computed again with the same numbers (only `computed_at` moved). */
  readonly unchanged: number;
  /**
   * Windows left as stored because the new result counts fewer predictions: the
   * prediction log is append-only, so fewer rows means records were lost (stream
   * retention, a trimmed log), and a window computed from part of its predictions
   * must not replace a complete one.
   */
  readonly kept: number;
}

export interface EvaluationQuery {
  readonly model?: string | undefined;
  readonly version?: string | undefined;
  /** Only windows of this width. */
  readonly windowMs?: number | undefined;
  /** Windows that end after this instant. */
  readonly since?: Date | undefined;
  /** Windows that start before this instant. */
  readonly until?: Date | undefined;
}

export interface LatestQuery {
  readonly model: string;
  /** @default any version: of several in the latest window, the one with the most joined rows */
  readonly version?: string | undefined;
  readonly windowMs: number;
  /** Skip windows with fewer joined rows (too little feedback to judge). @default 1 */
  readonly minJoined?: number | undefined;
  /** Only windows that had ended when they were computed (not the window in progress). @default false */
  readonly complete?: boolean | undefined;
}

export interface EvaluationStore {
  /**
   * Upserts windows (each evaluation's window is `window_start`..`window_end`), all in one
   * transaction; every computed window gets `computed_at` = now. See SaveResult.
   */
  save(evaluations: readonly Evaluation[]): Promise<SaveResult>;
  /** Stored windows matching the query, by model, version, window start, window width. */
  list(query?: EvaluationQuery): Promise<StoredEvaluation[]>;
  /** The newest window of a model at one width with at least `minJoined` joined rows, or `undefined`. */
  latest(query: LatestQuery): Promise<StoredEvaluation | undefined>;
  /** Every revision of the windows matching the query, by model, version, window, then oldest first. */
  revisions(query?: EvaluationQuery): Promise<EvaluationRevision[]>;
  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
