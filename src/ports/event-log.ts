import { MlError } from '../errors/ml-error.js';
import type { PredictionBatch } from './event-log-batch.js';

/**
 * EventLog: where prediction records (and, later, feedback records) are kept
 * for auditing, debugging and joining with ground truth (docs/prediction-log.md).
 * Appends arrive in batches from the PredictionLogger's buffer, off the request
 * path. Adapters: SQLite (embedded default), NATS JetStream and Redis Streams;
 * all pass test/contract/event-log.contract.ts.
 * Field names are snake_case because records are what users read back (API, CLI).
 */

/** What a record describes: a served prediction, or (later) the feedback that arrived for one. */
export type EventKind = 'prediction' | 'feedback';

export interface PredictionRecord {
  /** Unique per record (a random id), so a retried append can be recognised. */
  readonly id: string;
  readonly kind: EventKind;
  /** When the prediction finished, ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  /** The HTTP request id (`x-request-id`): the same in every record of one request. */
  readonly request_id: string;
  /** Business keys of the instances, when the request sent them (`keys`). */
  readonly keys?: readonly (string | number)[];
  /** The service whose graph made the call; absent for direct model calls. */
  readonly service?: string;
  /** Where in the service graph the call was made (parallel branches joined by "/", then the model). */
  readonly node?: string;
  readonly model: string;
  readonly version: string;
  /** The experiment variant that served the request (split and bandit nodes). */
  readonly variant?: string;
  /** The request's instances after sampling and redaction; absent when not sampled. */
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  /** Predicted class labels, when the model has them. */
  readonly labels?: readonly unknown[];
  readonly latency_ms: number;
  /** "ok", or the error code the call failed with (e.g. "INVALID_INPUT"). */
  readonly status: string;
  /** Kind "feedback" only: the ground truth that arrived for the prediction (docs/feedback-and-evaluation.md). */
  readonly feedback?: FeedbackFields;
}

/** What a feedback record says about the prediction it joined; `key` set when it was sent by key. */
export interface FeedbackFields {
  readonly key?: string;
  readonly label?: string | number | boolean;
  readonly value?: number;
  readonly reward?: number;
}

export interface EventQuery {
  readonly kind?: EventKind;
  readonly service?: string;
  readonly model?: string;
  readonly version?: string;
  readonly requestId?: string;
  /** Records whose `keys` contain this key (compared as strings). */
  readonly key?: string;
  /** Records with `timestamp` at or after this instant. */
  readonly since?: Date;
  /** Records with `timestamp` at or before this instant. */
  readonly until?: Date;
  /** @default 100 (at most MAX_QUERY_LIMIT) */
  readonly limit?: number;
  /** The `next` cursor of the previous page: continue after it. */
  readonly after?: string;
}

export interface EventPage {
  /** Oldest first, in the order they were appended. */
  readonly records: PredictionRecord[];
  /** Present when more records may match: pass it as `after` for the next page. */
  readonly next?: string;
}

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 1000;

export interface EventLog {
  /** Stores a batch of records; rejects (and stores nothing or part) when the sink is down, so the caller can retry. */
  append(records: readonly PredictionRecord[]): Promise<void>;
  /**
   * Optional: stores prediction records given as the logger's serialised lines
   * (src/ports/event-log-batch.ts), with the same outcome as `append` of
   * `batchRecords(batch)` but without materialising them. The logger uses it when present.
   */
  appendBatch?(batch: PredictionBatch): Promise<void>;
  query(query: EventQuery): Promise<EventPage>;
  close(): Promise<void>;
}

/** The limit a query runs with: the default when absent, clamped to [1, MAX_QUERY_LIMIT]. */
export function queryLimit(query: EventQuery): number {
  return Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_QUERY_LIMIT)));
}

/**
 * Whether a record matches a query's filters (not the cursor or limit). The
 * adapters that cannot filter in the store (NATS, Redis) filter with this, and
 * the others agree with it, which is what the contract suite checks.
 */
export function matchesQuery(record: PredictionRecord, query: EventQuery): boolean {
  if (query.kind !== undefined && record.kind !== query.kind) return false;
  if (query.service !== undefined && record.service !== query.service) return false;
  if (query.model !== undefined && record.model !== query.model) return false;
  if (query.version !== undefined && record.version !== query.version) return false;
  if (query.requestId !== undefined && record.request_id !== query.requestId) return false;
  if (query.key !== undefined && !(record.keys ?? []).some((k) => String(k) === query.key)) return false;
  if (query.since !== undefined || query.until !== undefined) {
    const at = Date.parse(record.timestamp);
    if (query.since !== undefined && at < query.since.getTime()) return false;
    if (query.until !== undefined && at > query.until.getTime()) return false;
  }
  return true;
}

/** A cursor this adapter never handed out (or another adapter's): the client's mistake. */
export function invalidCursor(cursor: string): MlError {
  return new MlError('INVALID_REQUEST', { reason: `"after" is not a cursor of this prediction log: "${cursor}"` });
}
