import { MAX_QUERY_LIMIT, type EventLog, type EventQuery, type PredictionRecord } from '../ports/event-log.js';

/** Every record matching a query, page by page, oldest first. */
export async function readAll(sink: EventLog, query: EventQuery): Promise<PredictionRecord[]> {
  const out: PredictionRecord[] = [];
  let after: string | undefined;
  do {
    const page = await sink.query({ ...query, limit: MAX_QUERY_LIMIT, ...(after !== undefined ? { after } : {}) });
    out.push(...page.records);
    after = page.next;
  } while (after !== undefined);
  return out;
}

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
