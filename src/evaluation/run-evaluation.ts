import { MAX_QUERY_LIMIT, type EventLog, type EventQuery, type PredictionRecord } from '../ports/event-log.js';
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

async function readAll(sink: EventLog, query: EventQuery): Promise<PredictionRecord[]> {
  const out: PredictionRecord[] = [];
  let after: string | undefined;
  do {
    const page = await sink.query({ ...query, limit: MAX_QUERY_LIMIT, ...(after !== undefined ? { after } : {}) });
    out.push(...page.records);
    after = page.next;
  } while (after !== undefined);
  return out;
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
