import type { FeedbackFields, PredictionRecord } from '../ports/event-log.js';

/** One instance of one logged model call, with the feedback that joined it (if any). */
export interface JoinedRow {
  readonly model: string;
  readonly version: string;
  /** The prediction's time (what the window is chosen by), epoch ms. */
  readonly at: number;
  readonly requestId: string;
  /** The logged label of this instance (`labels[row]`), when the model has labels. */
  readonly predictedLabel?: unknown;
  /** The logged output of this instance as one number: the output itself, or its first element. */
  readonly predictedValue?: number;
  readonly truth?: FeedbackFields;
}

/** How many instances a logged call had: its labels, else its outputs' rows, else one (a tensor-shaped v2 answer). */
function rowCount(r: PredictionRecord): number {
  if (r.labels) return r.labels.length;
  return Array.isArray(r.outputs) ? r.outputs.length : 1;
}

function scalarOf(output: unknown): number | undefined {
  const first: unknown = Array.isArray(output) ? (output as unknown[])[0] : output;
  return typeof first === 'number' && Number.isFinite(first) ? first : undefined;
}

function predictedValue(r: PredictionRecord, row: number, rows: number): number | undefined {
  if (Array.isArray(r.outputs)) return scalarOf(r.outputs[row]);
  return rows === 1 ? scalarOf(r.outputs) : undefined;
}

/**
 * Joins feedback to the instances of the successful predictions. Feedback
 * records carry the request id of the prediction they joined when they were
 * stored; one sent by key names its instance by the key's place in the
 * request's `keys`, one sent by request id applies to a single-instance request
 * only (with several instances it cannot say which: they stay unjoined). Every
 * model call of the request is joined — service members and shadow candidates
 * are evaluated too, each under its own model version.
 */
export function joinFeedback(predictions: readonly PredictionRecord[], feedback: readonly PredictionRecord[]): JoinedRow[] {
  const byRequest = new Map<string, FeedbackFields[]>();
  for (const f of feedback) {
    if (f.kind !== 'feedback' || !f.feedback) continue;
    byRequest.set(f.request_id, [...(byRequest.get(f.request_id) ?? []), f.feedback]);
  }
  const rows: JoinedRow[] = [];
  for (const p of predictions) {
    if (p.kind !== 'prediction' || p.status !== 'ok') continue;
    const count = rowCount(p);
    const found = byRequest.get(p.request_id) ?? [];
    for (let row = 0; row < count; row++) {
      const key = p.keys?.[row];
      // A key's feedback is the more specific: it wins over one for the whole request.
      const truth = found.find((f) => f.key !== undefined && key !== undefined && f.key === String(key)) ?? (count === 1 ? found.find((f) => f.key === undefined) : undefined);
      const label = p.labels?.[row];
      const value = predictedValue(p, row, count);
      rows.push({
        model: p.model,
        version: p.version,
        at: Date.parse(p.timestamp),
        requestId: p.request_id,
        ...(label !== undefined ? { predictedLabel: label } : {}),
        ...(value !== undefined ? { predictedValue: value } : {}),
        ...(truth ? { truth } : {}),
      });
    }
  }
  return rows;
}
