import { availableParallelism, hostname } from 'node:os';
import { openArtifactStore } from '../../adapters/open-stores.js';
import { MlError } from '../../errors/ml-error.js';
import type { TrainingRun, TrainingRunEnd, TrainingRunStore, TrainingStep } from '../../ports/training-run-store.js';
import { CodeHasher } from '../cache/code-hash.js';
import type { PipelineDefinition, PipelineStorageSettings } from '../definition.js';
import { loadPipeline } from '../load-pipeline.js';
import { resolveParams } from '../params.js';
import type { PipelineStorage } from '../types.js';
import type { EventSink, PipelineEvent } from './events.js';
import { newRunId } from './run-id.js';
import { artifactsUrl, openRunStores, resolveStorage } from './run-stores.js';
import { scheduleSteps } from './scheduler.js';
import { runStep, type RunScope } from './step-runner.js';
import { stepSettings } from './step-settings.js';
import { StepTracker } from './step-tracker.js';

export interface RunPipelineOptions {
  /** Parameter overrides: typed values, or strings parsed by the parameter's type (as `--param k=v`). */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** A run id: start a new run with that run's parameters, reusing its succeeded steps whose key is unchanged. */
  readonly resume?: string | undefined;
  /** Most steps running at once. @default os.availableParallelism() */
  readonly concurrency?: number | undefined;
  /** Storage overrides (CLI flags); beat the pipeline's `storage:` and the environment. */
  readonly storage?: PipelineStorageSettings | undefined;
  /** Abort to cancel the run: running steps are stopped, the run is recorded `cancelled`. */
  readonly signal?: AbortSignal | undefined;
  /** Live events (progress views). A listener that throws is ignored. */
  readonly onEvent?: EventSink | undefined;
  /** @default () => new Date() */
  readonly now?: (() => Date) | undefined;
}

export interface PipelineRunResult {
  readonly run: TrainingRun;
  /** Every step's record, in pipeline order. */
  readonly steps: readonly TrainingStep[];
  readonly storage: PipelineStorage;
  /** The local folder of a step's output artifact (for a step that succeeded or was reused). */
  outputPath(step: string, output: string): Promise<string>;
}

/**
 * Runs a pipeline (a pipeline.yaml path, or a definition from `definePipeline`)
 * to the end and returns its records. A step's failure or rejection is the
 * run's status, not an exception; an invalid pipeline, bad parameters or an
 * unknown `resume` run reject (PIPELINE_INVALID, TRAINING_RUN_NOT_FOUND, …).
 */
export async function runPipeline(pipeline: string | PipelineDefinition, options: RunPipelineOptions = {}): Promise<PipelineRunResult> {
  const definition = typeof pipeline === 'string' ? await loadPipeline(pipeline) : pipeline;
  const source = definition.file ?? `<pipeline ${definition.name}>`;
  const storage = resolveStorage(options.storage, definition.storage);
  const now = options.now ?? (() => new Date());
  const emit = safeSink(options.onEvent);
  const stores = await openRunStores(storage);
  try {
    const resume = options.resume === undefined ? undefined : await loadResumed(stores.store, options.resume, definition);
    if (resume !== undefined && Object.keys(options.params ?? {}).length > 0) {
      throw new MlError('INVALID_REQUEST', { reason: `a resumed run keeps the parameters of run ${resume.run.id}; drop --param or start a new run` });
    }
    const overrides = resume === undefined ? (options.params ?? {}) : Object.fromEntries(Object.entries(resume.run.params).filter(([name]) => name in definition.params));
    const params = resolveParams(definition.params, overrides, source);
    checkBuiltinSettings(definition, params, source);

    const run = await stores.store.createRun({
      id: newRunId(now()),
      pipeline: definition.name,
      params,
      resumedFrom: resume?.run.id,
      pipelineFile: definition.file,
      owner: `${hostname()}:${process.pid}`,
    });
    const trackers = new Map(definition.steps.map((step, i) => [step.name, new StepTracker(run.id, step.name, i, stores.store, emit)]));
    for (const tracker of trackers.values()) await tracker.save();
    emit({ type: 'run-started', run, steps: definition.steps.map((s) => s.name) });

    const cancel = new AbortController();
    const onAbort = (): void => cancel.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const scope: RunScope = {
      runId: run.id,
      pipeline: definition.name,
      workDir: definition.workDir,
      params,
      storage,
      artifacts: stores.artifacts,
      store: stores.store,
      hasher: new CodeHasher(definition.workDir),
      resume: resume === undefined ? undefined : { runId: resume.run.id, steps: new Map(resume.steps.map((s) => [s.step, s])) },
      signal: cancel.signal,
      emit,
      now,
    };
    let crash: Error | undefined;
    try {
      await scheduleSteps(definition.steps, {
        concurrency: options.concurrency ?? availableParallelism(),
        signal: cancel.signal,
        runStep: (step, finished) => runStep(step, trackers.get(step.name) as StepTracker, finished, scope),
      });
    } catch (err) {
      crash = err instanceof Error ? err : new Error(String(err));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    for (const tracker of trackers.values()) {
      if (tracker.status === 'pending') await tracker.finish('skipped', now());
      else if (tracker.status === 'running') await tracker.finish('cancelled', now());
    }
    const steps = [...trackers.values()].map((t) => t.record());
    const end: TrainingRunEnd = crash === undefined ? outcomeOf(steps, cancel.signal.aborted) : { status: 'failed', error: `the runner failed: ${crash.message}` };
    const finished = await stores.store.finishRun(run.id, end);
    emit({ type: 'run-finished', run: finished, steps });
    if (crash !== undefined) throw crash;
    return { run: finished, steps, storage, outputPath: outputPathOf(steps, storage) };
  } finally {
    await stores.close();
  }
}

async function loadResumed(store: TrainingRunStore, id: string, definition: PipelineDefinition): Promise<{ run: TrainingRun; steps: TrainingStep[] }> {
  const run = await store.getRun(id);
  if (run === undefined) throw new MlError('TRAINING_RUN_NOT_FOUND', { id });
  if (run.pipeline !== definition.name) {
    throw new MlError('INVALID_REQUEST', { reason: `run ${id} is a run of pipeline "${run.pipeline}", not "${definition.name}"` });
  }
  return { run, steps: await store.listSteps(id) };
}

/** Built-ins check their `with:` again now that the parameters' real values are known. */
function checkBuiltinSettings(definition: PipelineDefinition, params: Record<string, unknown>, source: string): void {
  const problems: string[] = [];
  for (const step of definition.steps) {
    if (step.kind !== 'builtin' || step.builtin.validate === undefined) continue;
    try {
      step.builtin.validate(stepSettings(step, params).settings);
    } catch (err) {
      problems.push(`  - steps.${step.name}.with: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) throw new MlError('PIPELINE_INVALID', { path: source, problems: problems.join('\n') });
}

/** Cancelled beats failed beats rejected: the first says the most about why the run stopped. */
function outcomeOf(steps: readonly TrainingStep[], aborted: boolean): TrainingRunEnd {
  if (steps.some((s) => s.status === 'cancelled') || (aborted && steps.some((s) => s.status === 'skipped'))) {
    return { status: 'cancelled', error: 'cancelled before every step finished' };
  }
  const failed = steps.find((s) => s.status === 'failed');
  if (failed !== undefined) return { status: 'failed', error: `step "${failed.step}" failed: ${failed.error ?? 'unknown error'}` };
  const rejected = steps.find((s) => s.status === 'rejected');
  if (rejected !== undefined) {
    const reasons = rejected.reasons.length > 0 ? ` (${rejected.reasons.join('; ')})` : '';
    return { status: 'rejected', error: `step "${rejected.step}" rejected: ${rejected.error ?? ''}${reasons}` };
  }
  return { status: 'succeeded' };
}

function outputPathOf(steps: readonly TrainingStep[], storage: PipelineStorage): PipelineRunResult['outputPath'] {
  return async (step, output) => {
    const record = steps.find((s) => s.step === step)?.outputs[output];
    if (record === undefined) throw new MlError('INVALID_REQUEST', { reason: `step "${step}" has no stored output "${output}" in this run` });
    return (await openArtifactStore(artifactsUrl(storage))).localPath(record.key);
  };
}

function safeSink(sink: EventSink | undefined): EventSink {
  return (event: PipelineEvent) => {
    try {
      sink?.(event);
    } catch {
      // A view's bug must not fail a training run.
    }
  };
}
