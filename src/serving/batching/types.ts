import type { NamedTensors } from '../../tensor/tensor.js';

/**
 * The public contract of the dynamic batcher, apart from its machinery
 * (dynamic-batcher.ts). Read this file to use the batcher.
 */

/** What a batch is run with; every request in one batch shares it. */
export interface BatchKey {
  readonly signature: string;
  /** Outputs to compute, as the requests named them (empty: the runner's default). */
  readonly outputs: readonly string[];
}

/**
 * Runs one merged batch, usually `(inputs, key) => fn.run(inputs, key)`.
 * Every returned output must have the batch's rows as its first dimension,
 * so that it can be split back per request.
 */
export type BatchRunner = (inputs: NamedTensors, key: BatchKey) => Promise<NamedTensors>;

/** One request as handed to `DynamicBatcher.submit`. */
export interface SubmitRequest extends BatchKey {
  /**
   * performance.now() time (ms) after which the request, if still queued, is
   * refused with DEADLINE_EXCEEDED. A request already running is not cancelled.
   */
  readonly deadline?: number;
  /**
   * The budget shown in the DEADLINE_EXCEEDED message (the configured timeout).
   * @default the time from submit to `deadline`, rounded
   */
  readonly deadlineMs?: number;
}

/** One execution, as reported to `BatchObserver.onBatch`. */
export interface BatchInfo {
  /** Rows merged into the execution. */
  readonly rows: number;
  readonly requests: number;
  /** Per request, in batch order: time from submit to dispatch, µs. */
  readonly queueUs: readonly number[];
  /** Dispatch to results: merge, run and split, µs. */
  readonly computeUs: number;
}

export type RejectReason = 'queue_full' | 'deadline' | 'closed';

/**
 * Cheap telemetry hooks (metrics, traces). Called synchronously on the
 * batcher's hot path, so they must not block; an exception they throw is
 * swallowed, because a broken metric must never leave a request unanswered.
 */
export interface BatchObserver {
  /** After every execution, failed ones included. */
  onBatch?(info: BatchInfo): void;
  /** For every request refused: at submit (queue_full, closed) or while queued (deadline). */
  onReject?(reason: RejectReason): void;
}
