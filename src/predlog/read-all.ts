import { MAX_QUERY_LIMIT, type EventLog, type EventQuery, type PredictionRecord } from '../ports/event-log.js';

/**
 * Every record matching a query, oldest first, following the log's cursor page
 * by page; stops after the page that reaches `maxRecords` (a bound on memory).
 */
export async function readAll(sink: EventLog, query: EventQuery, maxRecords = Infinity): Promise<PredictionRecord[]> {
  const out: PredictionRecord[] = [];
  let after: string | undefined;
  do {
    const page = await sink.query({ ...query, limit: MAX_QUERY_LIMIT, ...(after !== undefined ? { after } : {}) });
    out.push(...page.records);
    after = page.next;
  } while (after !== undefined && out.length < maxRecords);
  return out;
}
