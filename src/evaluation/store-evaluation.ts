import type { EventLog } from '../ports/event-log.js';
import type { EvaluationStore, SaveResult } from '../ports/evaluation-store.js';
import type { Evaluation } from './evaluate.js';
import { runEvaluation } from './run-evaluation.js';

export interface StoredEvaluationOptions {
  /** Only this model's predictions. */
  readonly model?: string | undefined;
  /** How far back from `until` predictions are read (rounded down to a window start). */
  readonly sinceMs: number;
  /** Width of each window, ms. */
  readonly windowMs: number;
  /** The end of the period: now for `eval run`, the tick's time for a schedule. */
  readonly until: Date;
}

export interface StoredEvaluationRun {
  /** The period read: `since` is a window start, so the oldest window is complete. */
  readonly since: string;
  readonly until: string;
  readonly windowMs: number;
  readonly evaluations: Evaluation[];
  readonly saved: SaveResult;
}

/**
 * The start of the window that holds `until − sinceMs`. Reading from there,
 * rather than from `until − sinceMs` itself, keeps the oldest window whole: a
 * window computed from its later half would replace the complete numbers a
 * previous run stored for it.
 */
export function alignedSince(until: Date, sinceMs: number, windowMs: number): Date {
  return new Date(Math.floor((until.getTime() - sinceMs) / windowMs) * windowMs);
}

/**
 * Continued evaluation with a memory: computes the windows of the period as
 * `eval report` does (runEvaluation) and upserts them into the store, so late
 * feedback improves past windows and the timeline outlives the prediction log's
 * reads. What `eval run` and `evaluate:` schedules do.
 */
export async function evaluateAndStore(log: EventLog, store: EvaluationStore, options: StoredEvaluationOptions): Promise<StoredEvaluationRun> {
  const since = alignedSince(options.until, options.sinceMs, options.windowMs);
  const evaluations = await runEvaluation(log, { since, until: options.until, windowMs: options.windowMs, ...(options.model !== undefined ? { model: options.model } : {}) });
  const saved = await store.save(evaluations);
  return { since: since.toISOString(), until: options.until.toISOString(), windowMs: options.windowMs, evaluations, saved };
}
