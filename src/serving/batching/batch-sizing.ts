import type { BatchingOptions } from '../../config/schema.js';

/**
 * Row limits derived once from the options. Everything is counted in rows
 * (instances), never requests: a client sending 32 rows fills a batch as much
 * as 32 clients sending one.
 */
export class BatchSizing {
  /** Queued rows (of one key) at which a batch is dispatched without waiting. */
  readonly fullRows: number;
  private readonly maxRows: number;
  /** Preferred sizes that fit in maxBatchSize, largest first. */
  private readonly preferred: readonly number[];

  constructor(options: Pick<BatchingOptions, 'maxBatchSize' | 'preferredBatchSizes'>) {
    this.maxRows = options.maxBatchSize;
    // A preferred size above maxBatchSize could never be formed: ignored.
    this.preferred = [...new Set(options.preferredBatchSizes)].filter((s) => s <= this.maxRows).sort((a, b) => b - a);
    this.fullRows = this.preferred[0] ?? this.maxRows;
  }

  /**
   * The most rows the next batch may take when `queuedRows` wait: the largest
   * preferred size that the queue can fill, else maxBatchSize. So a backlog is
   * cut into preferred sizes (the sizes the model runs best at), and a queue
   * smaller than every preferred size (its delay ran out) goes whole.
   * Requests are taken whole, in order, while they fit; the first one is
   * always taken, so a request larger than this runs alone.
   */
  capFor(queuedRows: number): number {
    for (const size of this.preferred) if (size <= queuedRows) return size;
    return this.maxRows;
  }
}
