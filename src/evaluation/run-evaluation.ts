import type { EventLog } from '../ports/event-log.js';
import { readAll } from '../predlog/read-all.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { joinFeedback } from './join.js';

export interface EvaluationOptions {
  /** Only this model's predictions (feedback is read for all: it names the primary model, a shadow candidate joins it too). */
  readonly model?: string;
  /** Predictions at or after this instant. */
  readonly since: Date;
  /** @default now */
  readonly until?: Date;
  /** Width of each window, ms. */
  readonly windowMs: number;
}

/**
 * Continued evaluation, computed on demand from the prediction log: the
 * predictions of the period joined with the feedback that arrived for them
 * (at any time up to `until`, later than the predictions), scored per model
 * version and window (docs/feedback-and-evaluation.md).
 */
export async function runEvaluation(sink: EventLog, options: EvaluationOptions): Promise<Evaluation[]> {
  const until = options.until ?? new Date();
  const predictions = await readAll(sink, { kind: 'prediction', since: options.since, until, ...(options.model !== undefined ? { model: options.model } : {}) });
  const feedback = await readAll(sink, { kind: 'feedback', since: options.since });
  return evaluate(joinFeedback(predictions, feedback), options.windowMs);
}
