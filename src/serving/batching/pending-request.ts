import type { NamedTensors } from '../../tensor/tensor.js';
import { RingQueue } from './ring-queue.js';

/**
 * A submitted request waiting for (or in) a batch. Its promise is the only
 * per-request allocation besides this record: settling goes through the
 * stored resolve/reject, never through per-request closures or timers.
 */
export class PendingRequest {
  readonly promise: Promise<NamedTensors>;
  resolve!: (outputs: NamedTensors) => void;
  reject!: (error: unknown) => void;

  constructor(
    readonly inputs: NamedTensors,
    readonly rows: number,
    readonly signature: string,
    readonly outputs: readonly string[],
    /** performance.now() ms; Infinity when none. */
    readonly deadline: number,
    /** The budget to report when the deadline passes, if the caller gave one. */
    readonly deadlineMs: number | undefined,
    readonly enqueuedAt: number,
    /** Arrival order across all keys, for oldest-head-first fairness. */
    readonly seq: number,
  ) {
    this.promise = new Promise<NamedTensors>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** The FIFO of one batch key, with its queued row count. */
export class KeyQueue {
  readonly items = new RingQueue<PendingRequest>();
  rows = 0;

  /**
   * @param solo the requests of this queue cannot merge with anything (one
   *   queue per such request), so they are dispatched without waiting
   */
  constructor(
    readonly key: string,
    readonly solo: boolean,
  ) {}
}
