import type { BuiltinStep, StepFunction } from './types.js';

/**
 * A validated pipeline, as `loadPipeline` (pipeline.yaml) and `definePipeline`
 * (TypeScript) return it: paths absolute, defaults filled, references checked,
 * deep-frozen. The runner takes only this shape.
 */
export interface PipelineDefinition {
  readonly name: string;
  readonly description?: string | undefined;
  /** The pipeline.yaml it was loaded from (absolute), when it came from a file. */
  readonly file?: string | undefined;
  /** Folder relative paths are read against: the file's folder, or the cwd for a definition in code. */
  readonly workDir: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly storage?: PipelineStorageSettings | undefined;
  /** Steps in declaration order (the order the runner starts ready steps in). */
  readonly steps: readonly PipelineStep[];
}

export type ParamType = 'number' | 'integer' | 'string' | 'boolean';
export type ParamValue = number | string | boolean;

export interface ParamSpec {
  readonly type: ParamType;
  /** Without a default the parameter is required (`--param name=value`). */
  readonly default?: ParamValue | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly enum?: readonly ParamValue[] | undefined;
  readonly description?: string | undefined;
}

/** `storage:` of pipeline.yaml; `stateDir` relative to the cwd, like `mlpatterns serve`. */
export interface PipelineStorageSettings {
  readonly stateDir?: string | undefined;
  readonly metadata?: string | undefined;
  readonly artifacts?: string | undefined;
}

/** `<step>.<output>`: an input fed by an upstream step's output. */
export interface InputRef {
  readonly step: string;
  readonly output: string;
}

interface StepBase {
  readonly name: string;
  readonly description?: string | undefined;
  /** Input name → upstream output. */
  readonly inputs: Readonly<Record<string, InputRef>>;
  /** Output folders the step fills (for a built-in: the ones it produces). */
  readonly outputs: readonly string[];
  /** Pipeline parameters the step receives (`ctx.params`, `MLP_PARAM_*`). */
  readonly params: readonly string[];
  /** Constant settings; strings may hold `{params.X}` placeholders. */
  readonly with: Readonly<Record<string, unknown>>;
  /** Absolute paths of files/folders whose bytes enter the cache key. */
  readonly files: readonly string[];
  /** Steps that must finish first although no input comes from them. */
  readonly after: readonly string[];
  /** Extra attempts after a failed one. */
  readonly retries: number;
  /** Wait before the first retry; doubles with each retry. */
  readonly retryBackoffMs: number;
  /** One attempt's time limit. */
  readonly timeoutMs: number;
  /** `false`: never reused from another run (a `--resume` still reuses it). */
  readonly cache: boolean;
  /** Manual code version, part of the cache key (bump it to invalidate). */
  readonly version?: string | undefined;
}

/** `run: ./steps.ts#train`: a function exported by a module, run in a forked child process. */
export interface ModuleStep extends StepBase {
  readonly kind: 'module';
  /** Absolute path of the module. */
  readonly module: string;
  /** The export to call (`default` without `#name`). */
  readonly exportName: string;
}

/** A function handed to the TypeScript API: runs in the runner's process. */
export interface FunctionStep extends StepBase {
  readonly kind: 'function';
  readonly fn: StepFunction;
}

/** `command: [...]`: an external program. */
export interface CommandStep extends StepBase {
  readonly kind: 'command';
  /** argv, placeholders (`{inputs.X}`, `{outputs.X}`, `{params.X}`) not yet filled. */
  readonly command: readonly string[];
}

/** `uses: <name>`: a built-in step, run in the runner's process. */
export interface BuiltinStepSpec extends StepBase {
  readonly kind: 'builtin';
  readonly uses: string;
  readonly builtin: BuiltinStep;
}

export type PipelineStep = ModuleStep | FunctionStep | CommandStep | BuiltinStepSpec;

/** `defaults:` of pipeline.yaml. */
export const STEP_DEFAULTS = { retries: 0, retryBackoffMs: 1000, timeoutMs: 3_600_000 } as const;
