/**
 * The public shapes of a batch run (docs/batch.md): what `runBatch` takes,
 * what it reports while running, and what it returns.
 */

/** What predicts the rows: a service of the config, or one model (file, package folder or registry ref). */
export type BatchTarget = { readonly service: string } | { readonly model: string };

export interface BatchOptions {
  readonly target: BatchTarget;
  /**
   * Where the rows come from: `file.csv`, `file.jsonl` (`.ndjson`), `file.parquet`,
   * `postgres://…?table=T` (also `postgresql://`), `sqlite:<path>?table=T`.
   */
  readonly input: string;
  /** The column whose value keys each row (and each output row). */
  readonly key: string;
  /**
   * Where predictions go, one row per key: `file.jsonl`, `file.csv`,
   * `sqlite:<path>?table=T`, `postgres://…?table=T`. Omitted in null mode
   * (`whereNull`): predictions go back into the input table.
   */
  readonly output?: string;
  /**
   * Null mode (SQL table inputs only): predict only the rows whose `whereNull`
   * column IS NULL and write each prediction into that column.
   */
  readonly whereNull?: string;
  /** The feature columns, in order. @default every column but the key (and the `whereNull` column) */
  readonly features?: readonly string[];
  /** Rows per shard (one queue job each). @default 1000 */
  readonly shardSize?: number;
  /** Shards this process predicts at once; 0 leaves every shard to `mlpatterns worker` processes. @default 2 */
  readonly workers?: number;
  /** The queue: "sqlite" (embedded, in the state dir) or a redis:// URL (BullMQ). @default "sqlite" */
  readonly queue?: string;
  /** The queue name shards go on: remote workers take them with `mlpatterns worker -q <name>`. @default "batch" */
  readonly queueName?: string;
  /** Where malformed and failed rows are reported (JSON Lines). @default `<output>.errors.jsonl` */
  readonly errors?: string;
  /** Run id; the same id continues the same run. @default derived from input, output, target, key and mode */
  readonly runId?: string;
  /** Config file: its services and models (for `target.service`) and its storage state dir. */
  readonly config?: string;
  /** State dir holding the runs table and the embedded queue. @default the config's, else ".mlpatterns" */
  readonly stateDir?: string;
}

export interface BatchProgress {
  readonly runId: string;
  readonly rowsDone: number;
  /** Rows to predict, when known (an estimate for CSV files with multi-line cells). */
  readonly rowsTotal?: number;
  readonly shardsDone: number;
  readonly shardsTotal?: number;
  readonly malformedRows: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  /** Seconds left at the current rate, when the total is known. */
  readonly etaSeconds?: number;
}

export interface BatchSummary {
  readonly runId: string;
  /** succeeded: every shard written; failed: some shard failed for good (see the error file). */
  readonly status: 'succeeded' | 'failed';
  /** Rows read from the input (good and malformed). */
  readonly rows: number;
  /** Keys written to the output by this run (all runs of this run id). */
  readonly keysWritten: number;
  readonly malformedRows: number;
  /** Rows of shards that failed for good. */
  readonly failedRows: number;
  /** Duplicate keys skipped (the first row with a key wins). */
  readonly duplicateKeys: number;
  readonly shards: number;
  /** Shards that were already done by an earlier, interrupted invocation. */
  readonly shardsResumed: number;
  readonly errorFile: string;
  readonly output: string;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
}

export interface RunBatchHooks {
  /** Called at most ~5 times a second while the run goes, and once at the end. */
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Aborting stops the run (in-flight shards stay queued for a later resume). */
  readonly signal?: AbortSignal;
}
