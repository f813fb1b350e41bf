import type { PredictionRecord } from '../ports/event-log.js';

/** Whether a record's node path lies under a prefix ("" holds everything). */
export function under(record: PredictionRecord, prefix: string): boolean {
  return (record.node ?? record.model).startsWith(prefix);
}

/**
 * The last logged call of each request (records are oldest first): in a
 * pipeline, the call that made the answer.
 */
export function lastCallPerRequest(records: readonly PredictionRecord[]): Map<string, PredictionRecord> {
  const last = new Map<string, PredictionRecord>();
  for (const r of records) if (r.kind === 'prediction') last.set(r.request_id, r);
  return last;
}
