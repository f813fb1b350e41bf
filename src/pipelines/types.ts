/**
 * The contract between the pipeline runner and the steps it runs (docs/training-pipelines.md).
 * A step is a TypeScript/JavaScript function (`run: ./steps.ts#train` in pipeline.yaml, or a
 * function given to the TS API), an external command (`command: [...]`), or a built-in
 * (`uses: read-data`, `uses: register`). Steps exchange data only through artifacts: each
 * declared output is a folder the step fills; the runner stores it in the ArtifactStore
 * (content-addressed) and hands it to downstream steps as a read-only local folder.
 */

/** Where the run's stores live, so that a step (e.g. the built-in `register`) can open them. */
export interface PipelineStorage {
  /** State directory (embedded SQLite metadata db, artifacts folder). */
  readonly stateDir: string;
  /** Metadata store URL when not the state dir's SQLite file (`postgres://…`, `sqlite:PATH`). */
  readonly metadata?: string | undefined;
  /** Artifact store URL/path when not `<stateDir>/artifacts`. */
  readonly artifacts?: string | undefined;
}

export interface StepRunInfo {
  /** The run's id (`mlpatterns train --resume <id>` takes it). */
  readonly id: string;
  readonly pipeline: string;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

export interface StepContext {
  readonly run: StepRunInfo;
  /** This step's name in the pipeline. */
  readonly step: string;
  /**
   * This step's parameters: the pipeline parameters it lists in `params:` (typed, after
   * defaults and `--param` overrides) merged with its constant `with:` settings.
   */
  readonly params: Readonly<Record<string, unknown>>;
  /** Input name → local folder holding the upstream step's output artifact. Read only. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Declared output name → an empty folder to fill. An output left empty fails the step. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The pipeline file's folder: relative paths in `with:` are read against it. */
  readonly workDir: string;
  readonly storage: PipelineStorage;
  /** Aborted when the run is cancelled (Ctrl-C) or the step times out. */
  readonly signal: AbortSignal;
  /** A line for the step's log (kept in the run record, shown under the live step list). */
  log(message: string): void;
  /** Progress of long work, shown in the live step list (`done` of `total`, or a fraction when `total` is left out). */
  progress(done: number, total?: number, message?: string): void;
  /** Records a metric of this step (shown in the run summary, stored in the run record). */
  metric(name: string, value: number): void;
}

/** What a step may return; metrics are merged with those reported through `ctx.metric`. */
export interface StepResult {
  readonly metrics?: Readonly<Record<string, number>>;
}

export type StepFunction = (ctx: StepContext) => Promise<StepResult | void> | StepResult | void;

/**
 * A built-in step (`uses: <name>`). `fingerprint` lets a built-in add what the code hash cannot
 * see to its cache key (e.g. the bytes of a CSV file it reads); returning `undefined` makes the
 * step uncacheable (it always runs, e.g. a PostgreSQL query) — downstream steps are still
 * reused when its output hashes the same as before.
 */
export interface BuiltinStep {
  readonly run: StepFunction;
  /** Output names the built-in always produces (a pipeline may not declare others). */
  readonly outputs: readonly string[];
  /** Validates `with:` at load time; throws an Error whose message says what is wrong. */
  readonly validate?: (settings: Readonly<Record<string, unknown>>) => void;
  readonly fingerprint?: (settings: Readonly<Record<string, unknown>>, workDir: string) => Promise<string | undefined>;
}

/**
 * Thrown by a step whose outcome is a decision, not a failure (the evaluation gate): the runner
 * does not retry it, marks the run `rejected`, prints the reasons, and registers nothing.
 */
export class StepRejectedError extends Error {
  constructor(
    message: string,
    readonly reasons: readonly string[],
  ) {
    super(message);
    this.name = 'StepRejectedError';
  }
}
