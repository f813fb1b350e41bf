import { randomUUID } from 'node:crypto';
import type { PredictionRecord } from '../../src/ports/event-log.js';

export interface LoggedDay {
  readonly model?: string;
  readonly version?: string;
  /** Start of the UTC day (ISO); predictions are logged a minute apart from then. */
  readonly day: string;
  readonly predictions: number;
  /** The first `joined` predictions get feedback… */
  readonly joined: number;
  /** …of which the first `correct` agree with the logged label. */
  readonly correct: number;
  /** Request ids are `<prefix>-<i>`, so late feedback can name them. */
  readonly prefix: string;
}

const LABELS = ['yes', 'no'] as const;
const labelOf = (i: number): string => LABELS[i % 2] ?? 'yes';
const wrong = (label: string): string => (label === 'yes' ? 'no' : 'yes');

/** A prediction record as the server logs a single-instance call with labels. */
export function prediction(model: string, version: string, requestId: string, at: number, label: string): PredictionRecord {
  return { id: randomUUID(), kind: 'prediction', timestamp: new Date(at).toISOString(), request_id: requestId, model, version, inputs: [[1, 2]], outputs: [[0.7, 0.3]], labels: [label], latency_ms: 1, status: 'ok' };
}

/** A feedback record as POST /v1/feedback stores it for a request id. */
export function feedback(model: string, version: string, requestId: string, at: number, label: string): PredictionRecord {
  return { id: randomUUID(), kind: 'feedback', timestamp: new Date(at).toISOString(), request_id: requestId, model, version, latency_ms: 0, status: 'ok', feedback: { label } };
}

/**
 * A day of logged predictions of a classifier with feedback for some of them,
 * the ground truth arriving at the end of the day: accuracy = correct / joined.
 */
export function loggedDay(spec: LoggedDay): PredictionRecord[] {
  const model = spec.model ?? 'churn';
  const version = spec.version ?? '1';
  const start = Date.parse(spec.day);
  const records: PredictionRecord[] = [];
  for (let i = 0; i < spec.predictions; i++) records.push(prediction(model, version, `${spec.prefix}-${i}`, start + i * 60_000, labelOf(i)));
  for (let i = 0; i < spec.joined; i++) {
    records.push(feedback(model, version, `${spec.prefix}-${i}`, start + 23 * 3_600_000, i < spec.correct ? labelOf(i) : wrong(labelOf(i))));
  }
  return records;
}

/** Feedback that arrives later for predictions `from`..`to` − 1 of a logged day, all agreeing with the logged label. */
export function lateFeedback(spec: Pick<LoggedDay, 'model' | 'version' | 'prefix'>, from: number, to: number, at: string): PredictionRecord[] {
  const records: PredictionRecord[] = [];
  for (let i = from; i < to; i++) records.push(feedback(spec.model ?? 'churn', spec.version ?? '1', `${spec.prefix}-${i}`, Date.parse(at), labelOf(i)));
  return records;
}
