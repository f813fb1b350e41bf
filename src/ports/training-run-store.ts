/**
 * TrainingRunStore: the records of training-pipeline runs (docs/training-pipelines.md) —
 * one row per run and one per step of it: status, timings, attempts, error, metrics,
 * output artifacts, log tail. It doubles as the step cache's index: a later run that
 * computes the same cache key reuses the outputs of the newest reusable step record.
 * Adapters: SQLite (the state directory's metadata database, beside the registry) and
 * PostgreSQL (`storage.metadata: postgres://…`); both pass
 * test/contract/training-run-store.contract.ts.
 * Timestamps are ISO-8601 strings (UTC, millisecond precision).
 */

export const TRAINING_RUN_STATUSES = ['running', 'succeeded', 'failed', 'rejected', 'cancelled'] as const;
export type TrainingRunStatus = (typeof TRAINING_RUN_STATUSES)[number];

export const TRAINING_STEP_STATUSES = ['pending', 'running', 'succeeded', 'cached', 'failed', 'rejected', 'skipped', 'cancelled'] as const;
export type TrainingStepStatus = (typeof TRAINING_STEP_STATUSES)[number];

export interface TrainingRun {
  /** Made by the runner: `YYYYMMDD-HHMMSS-<6 hex>` (UTC start time), what `--resume` takes. */
  readonly id: string;
  readonly pipeline: string;
  readonly status: TrainingRunStatus;
  /** The pipeline parameters the run used (defaults filled, overrides applied). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The run this one resumed, else `null`. */
  readonly resumedFrom: string | null;
  /** The pipeline.yaml it ran, when it came from a file. */
  readonly pipelineFile: string | null;
  readonly startedAt: string;
  /** `null` while running. */
  readonly finishedAt: string | null;
  /** Why it failed, was rejected or cancelled, else `null`. */
  readonly error: string | null;
  /** Who ran it (`host:pid`). */
  readonly owner: string;
}

/** One output of a step: a content-addressed artifact. */
export interface StepOutputRecord {
  /** ArtifactStore key, `steps/<digest hex>`. */
  readonly key: string;
  /** `sha256:<hex>` (src/ports/artifact-digest.ts). */
  readonly digest: string;
  readonly sizeBytes: number;
}

export interface TrainingStep {
  readonly runId: string;
  readonly step: string;
  /** The step's place in the pipeline (listing order). */
  readonly position: number;
  readonly status: TrainingStepStatus;
  /** sha256 hex of the step's canonical inputs; `null` until computed (its inputs were never ready). */
  readonly cacheKey: string | null;
  /** `false` for `cache: false` steps and uncacheable built-ins: never reused by another run's cache lookup. */
  readonly cacheable: boolean;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
  /** Why a gate rejected the step (StepRejectedError.reasons); `[]` otherwise. */
  readonly reasons: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  /** Output name → stored artifact; filled when the step succeeded or was reused. */
  readonly outputs: Readonly<Record<string, StepOutputRecord>>;
  /** The last lines the step logged. */
  readonly logTail: readonly string[];
  /** For a `cached` step: the run that actually produced its outputs. */
  readonly cachedFrom: string | null;
}

export interface NewTrainingRun {
  readonly id: string;
  readonly pipeline: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly resumedFrom?: string | undefined;
  readonly pipelineFile?: string | undefined;
  readonly owner: string;
}

export interface TrainingRunEnd {
  readonly status: Exclude<TrainingRunStatus, 'running'>;
  readonly error?: string | undefined;
}

export interface ListRunsQuery {
  /** Only runs of this pipeline. */
  readonly pipeline?: string | undefined;
  /** @default 20 */
  readonly limit?: number | undefined;
}

export interface TrainingRunStore {
  /** Records a new `running` run started now. Rejects when the id is taken. */
  createRun(run: NewTrainingRun): Promise<TrainingRun>;
  /** Ends a run; TRAINING_RUN_NOT_FOUND when the id is unknown. */
  finishRun(id: string, end: TrainingRunEnd): Promise<TrainingRun>;
  getRun(id: string): Promise<TrainingRun | undefined>;
  /** Newest first. */
  listRuns(query?: ListRunsQuery): Promise<TrainingRun[]>;
  /** Creates or replaces the record of one step of a run (the run must exist). */
  saveStep(step: TrainingStep): Promise<void>;
  /** The steps of a run, in pipeline order. */
  listSteps(runId: string): Promise<TrainingStep[]>;
  /**
   * The newest finished, cacheable step record (`succeeded` or `cached`) with this cache key,
   * or `undefined`: what the step cache reuses.
   */
  findReusable(cacheKey: string): Promise<TrainingStep | undefined>;
  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
