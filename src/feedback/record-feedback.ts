import { randomUUID } from 'node:crypto';
import { isMlError, MlError } from '../errors/ml-error.js';
import type { EventLog, EventQuery, FeedbackFields, PredictionRecord } from '../ports/event-log.js';
import { readAll } from '../predlog/read-all.js';
import type { FeedbackRequest } from './parse-feedback.js';

export interface RecordedFeedback {
  readonly record: PredictionRecord;
  /** True when an identical feedback was already stored: nothing new was written. */
  readonly duplicate: boolean;
}

export interface FeedbackRecorderOptions {
  readonly sink: EventLog;
  /** Writes out predictions still buffered (the prediction log's `flush`): feedback may arrive right after its prediction. */
  readonly flushPredictions?: () => Promise<void>;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

const storeError = (err: unknown): MlError =>
  isMlError(err) ? err : new MlError('STORE_UNAVAILABLE', { reason: `prediction log: ${err instanceof Error ? err.message : String(err)}` }, { cause: err });

/** Every record matching a query, across pages; a store failure is STORE_UNAVAILABLE. */
function queryAll(sink: EventLog, query: EventQuery): Promise<PredictionRecord[]> {
  return readAll(sink, query).catch((err: unknown) => {
    throw storeError(err);
  });
}

/**
 * The prediction a feedback joins: among the successful records of the request
 * (or, by key, of the latest request that sent the key), the primary one —
 * shadow candidates ("shadow/…" node paths) are logged under the same request id
 * but did not answer the client.
 */
function pickPrediction(records: readonly PredictionRecord[]): PredictionRecord | undefined {
  const ok = records.filter((r) => r.status === 'ok');
  const latest = ok.at(-1);
  if (!latest) return undefined;
  const ofRequest = ok.filter((r) => r.request_id === latest.request_id);
  return ofRequest.find((r) => !(r.node ?? '').startsWith('shadow/')) ?? ofRequest[0];
}

function sameTruth(a: FeedbackFields, b: FeedbackFields): boolean {
  return a.label === b.label && a.value === b.value && a.reward === b.reward;
}

/**
 * Joins feedback to a logged prediction and stores it in the prediction log as
 * a `feedback` record (docs/feedback-and-evaluation.md). Written once: the same
 * feedback again answers the stored one; a different one for the same target is
 * FEEDBACK_CONFLICT. Writes for one request are serialised here so two
 * concurrent duplicates cannot both be stored (one server process).
 */
export class FeedbackRecorder {
  readonly #sink: EventLog;
  readonly #flushPredictions: () => Promise<void>;
  readonly #now: () => Date;
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: FeedbackRecorderOptions) {
    this.#sink = options.sink;
    this.#flushPredictions = options.flushPredictions ?? (async () => undefined);
    this.#now = options.now ?? (() => new Date());
  }

  async record(req: FeedbackRequest): Promise<RecordedFeedback> {
    const prediction = await this.#findPrediction(req);
    return this.#serialised(prediction.request_id, () => this.#store(req, prediction));
  }

  async #findPrediction(req: FeedbackRequest): Promise<PredictionRecord> {
    const query: EventQuery = {
      kind: 'prediction',
      ...(req.requestId !== undefined ? { requestId: req.requestId } : {}),
      ...(req.key !== undefined ? { key: req.key } : {}),
      ...(req.model !== undefined ? { model: req.model } : {}),
      ...(req.service !== undefined ? { service: req.service } : {}),
    };
    let found = pickPrediction(await queryAll(this.#sink, query));
    if (!found) {
      // Not in the store yet may mean still in the logger's buffer: write it out and look once more.
      await this.#flushPredictions();
      found = pickPrediction(await queryAll(this.#sink, query));
    }
    if (!found) throw new MlError('PREDICTION_NOT_FOUND', { target: describeTarget(req) });
    return found;
  }

  async #store(req: FeedbackRequest, prediction: PredictionRecord): Promise<RecordedFeedback> {
    const feedback: FeedbackFields = {
      ...(req.key !== undefined ? { key: req.key } : {}),
      ...(req.label !== undefined ? { label: req.label } : {}),
      ...(req.value !== undefined ? { value: req.value } : {}),
      ...(req.reward !== undefined ? { reward: req.reward } : {}),
    };
    const earlier = (await queryAll(this.#sink, { kind: 'feedback', requestId: prediction.request_id })).find(
      (r) => r.feedback?.key === req.key && r.model === prediction.model,
    );
    if (earlier) {
      if (sameTruth(earlier.feedback ?? {}, feedback)) return { record: earlier, duplicate: true };
      throw new MlError('FEEDBACK_CONFLICT', { feedbackId: earlier.id, target: describeTarget(req) });
    }
    const record: PredictionRecord = {
      id: randomUUID(),
      kind: 'feedback',
      timestamp: this.#now().toISOString(),
      request_id: prediction.request_id,
      ...(req.key !== undefined ? { keys: [req.key] } : {}),
      ...(prediction.service !== undefined ? { service: prediction.service } : {}),
      ...(prediction.node !== undefined ? { node: prediction.node } : {}),
      model: prediction.model,
      version: prediction.version,
      ...(prediction.variant !== undefined ? { variant: prediction.variant } : {}),
      latency_ms: 0,
      status: 'ok',
      feedback,
    };
    // Straight to the sink, not through the prediction buffer: the client is told it is stored.
    await this.#sink.append([record]).catch((err: unknown) => {
      throw storeError(err);
    });
    return { record, duplicate: false };
  }

  async #serialised<T>(lockKey: string, work: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(lockKey) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    this.#locks.set(lockKey, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(lockKey) === tail) this.#locks.delete(lockKey);
    }
  }
}

function describeTarget(req: FeedbackRequest): string {
  const target = req.requestId !== undefined ? `request_id "${req.requestId}"` : `key "${req.key}"`;
  const narrowed = [req.model !== undefined ? `model "${req.model}"` : '', req.service !== undefined ? `service "${req.service}"` : ''].filter(Boolean);
  return narrowed.length > 0 ? `${target} (${narrowed.join(', ')})` : target;
}
