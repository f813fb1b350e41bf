import path from 'node:path';
import { MlError } from '../errors/ml-error.js';
import { BUILTIN_STEPS } from './builtins/index.js';
import { STEP_DEFAULTS, type InputRef, type PipelineDefinition, type PipelineStep } from './definition.js';
import { graphProblems, splitRun, type Problem } from './graph-problems.js';
import { pipelineSchema, type PipelineFile, type StepEntry } from './schema.js';
import type { BuiltinStep } from './types.js';

export interface ResolveOptions {
  /** Shown in errors; the pipeline.yaml path, or `<inline>`. */
  readonly source: string;
  /** The pipeline file (absolute), when there is one. */
  readonly file?: string | undefined;
  /** Folder relative paths are read against. */
  readonly workDir: string;
  /** Problems found before validation (unset `${ENV}` variables, bad YAML), listed first. */
  readonly earlier?: readonly string[] | undefined;
  /** @default the built-ins of src/pipelines/builtins */
  readonly builtins?: Readonly<Record<string, BuiltinStep>> | undefined;
}

/**
 * Validates a raw pipeline document and turns it into a PipelineDefinition.
 * Every problem — shape, references, cycles, outputs, built-ins, placeholders,
 * missing files — is listed at once in one PIPELINE_INVALID error.
 */
export function resolvePipeline(raw: unknown, options: ResolveOptions): PipelineDefinition {
  const builtins = options.builtins ?? BUILTIN_STEPS;
  const parsed = pipelineSchema.safeParse(raw);
  const problems: string[] = [...(options.earlier ?? [])];
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => formatProblem({ path: issue.path.map(pathSegment), message: issue.message })));
  problems.push(...graphProblems(raw, { workDir: options.workDir, builtins }).map(formatProblem));
  if (problems.length > 0 || !parsed.success) {
    throw new MlError('PIPELINE_INVALID', { path: options.source, problems: problems.map((p) => `  - ${p}`).join('\n') });
  }
  return deepFreeze(toDefinition(parsed.data, options, builtins));
}

function toDefinition(file: PipelineFile, options: ResolveOptions, builtins: Readonly<Record<string, BuiltinStep>>): PipelineDefinition {
  const steps = Object.entries(file.steps).map(([name, entry]) => toStep(name, entry, file, options.workDir, builtins));
  return {
    name: file.name,
    description: file.description,
    file: options.file,
    workDir: options.workDir,
    params: file.params,
    storage: file.storage,
    steps,
  };
}

function toStep(name: string, entry: StepEntry, file: PipelineFile, workDir: string, builtins: Readonly<Record<string, BuiltinStep>>): PipelineStep {
  const inputs: Record<string, InputRef> = {};
  for (const [input, ref] of Object.entries(entry.inputs)) {
    const dot = ref.indexOf('.');
    inputs[input] = { step: ref.slice(0, dot), output: ref.slice(dot + 1) };
  }
  const base = {
    name,
    description: entry.description,
    inputs,
    outputs: entry.outputs ?? [],
    params: entry.params,
    with: entry.with,
    files: entry.files.map((f) => path.resolve(workDir, f)),
    after: entry.after,
    retries: entry.retries ?? file.defaults.retries ?? STEP_DEFAULTS.retries,
    retryBackoffMs: entry.retryBackoffMs ?? file.defaults.retryBackoffMs ?? STEP_DEFAULTS.retryBackoffMs,
    timeoutMs: entry.timeoutMs ?? file.defaults.timeoutMs ?? STEP_DEFAULTS.timeoutMs,
    cache: entry.cache,
    version: entry.version,
  };
  if (typeof entry.run === 'function') return { ...base, kind: 'function', fn: entry.run };
  if (typeof entry.run === 'string') {
    const { file: module, exportName } = splitRun(entry.run);
    return { ...base, kind: 'module', module: path.resolve(workDir, module), exportName };
  }
  if (entry.command !== undefined) return { ...base, kind: 'command', command: entry.command };
  const uses = entry.uses ?? '';
  const builtin = builtins[uses];
  if (builtin === undefined) throw new MlError('INTERNAL', { reason: `built-in "${uses}" vanished after validation` });
  // A built-in always produces all of its outputs, whatever subset the file declares.
  return { ...base, kind: 'builtin', uses, builtin, outputs: builtin.outputs };
}

function formatProblem(problem: Problem): string {
  return problem.path.length === 0 ? problem.message : `${problem.path.join('.')}: ${problem.message}`;
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

/** Frozen like a validated config; a built-in's own object is not ours to freeze. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (key !== 'builtin') deepFreeze(v);
  }
  return value;
}
