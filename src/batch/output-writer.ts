/** One prediction as written: by key, with the class label when the model has labels. */
export interface OutputRow {
  readonly key: string | number;
  readonly prediction: unknown;
  readonly label?: string | null;
}

/**
 * Writes predictions keyed, so that writing a shard twice (a resumed run, a
 * retried job) leaves one row per key: SQL tables upsert, files keep one part
 * per shard and are assembled at the end.
 */
export interface OutputWriter {
  /** Writes one shard's rows (idempotent per shard); done when they are durable. */
  write(shard: string, rows: readonly OutputRow[]): Promise<void>;
  /**
   * Called at the end of an invocation with the written shards in input order;
   * `complete`: every shard is written (a file output then drops its parts).
   */
  finish(shards: readonly string[], complete: boolean): Promise<void>;
  close(): Promise<void>;
}
