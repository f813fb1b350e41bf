import type { EventLog, PredictionRecord } from '../ports/event-log.js';
import { readAll } from '../predlog/read-all.js';

/** Records read per run at most: a window busier than this is judged on its oldest records (documented limit). */
export const MAX_MONITOR_RECORDS = 100_000;

/** Every prediction record of the model (and version) since `since`, following the log's cursor. */
export async function recentRecords(log: EventLog, filter: { model: string; version?: string; since: Date }): Promise<PredictionRecord[]> {
  const query = { kind: 'prediction' as const, model: filter.model, ...(filter.version !== undefined ? { version: filter.version } : {}), since: filter.since };
  return readAll(log, query, MAX_MONITOR_RECORDS);
}
