import { MAX_QUERY_LIMIT, type EventLog, type PredictionRecord } from '../ports/event-log.js';

/** Records read per run at most: a window busier than this is judged on its oldest records (documented limit). */
export const MAX_MONITOR_RECORDS = 100_000;

/** Every prediction record of the model (and version) since `since`, following the log's cursor. */
export async function recentRecords(log: EventLog, filter: { model: string; version?: string; since: Date }): Promise<PredictionRecord[]> {
  const records: PredictionRecord[] = [];
  let after: string | undefined;
  do {
    const page = await log.query({ kind: 'prediction', model: filter.model, ...(filter.version !== undefined ? { version: filter.version } : {}), since: filter.since, limit: MAX_QUERY_LIMIT, ...(after !== undefined ? { after } : {}) });
    records.push(...page.records);
    after = page.next;
  } while (after !== undefined && records.length < MAX_MONITOR_RECORDS);
  return records;
}
