import { setTimeout as sleep } from 'node:timers/promises';
import { MlError } from '../../errors/ml-error.js';
import type { ArtifactStore } from '../../ports/artifact-store.js';
import type { StepOutputRecord, TrainingRunStore, TrainingStep } from '../../ports/training-run-store.js';
import { cacheKeyOf, type CacheKey } from '../cache/cache-key.js';
import type { CodeHasher } from '../cache/code-hash.js';
import type { PipelineStep } from '../definition.js';
import type { PipelineStorage, StepResult } from '../types.js';
import type { EventSink } from './events.js';
import { executeCommand } from './execute-command.js';
import { executeInProcess } from './execute-in-process.js';
import { executeModule } from './execute-module.js';
import type { Execution } from './execution.js';
import { stageOutputs } from './outputs.js';
import { asRejection, messageOf } from './step-errors.js';
import { stepSettings, type StepSettings } from './step-settings.js';
import type { StepTracker } from './step-tracker.js';

const REUSED = 'reused the outputs of run ';

/** What every step of one run shares. */
export interface RunScope {
  readonly runId: string;
  readonly pipeline: string;
  readonly workDir: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly storage: PipelineStorage;
  readonly artifacts: ArtifactStore;
  readonly store: TrainingRunStore;
  readonly hasher: CodeHasher;
  /** The run being resumed: its step records, reused when their key is unchanged. */
  readonly resume?: { readonly runId: string; readonly steps: ReadonlyMap<string, TrainingStep> } | undefined;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  readonly now: () => Date;
}

/**
 * One step of a run, start to end: cache key, reuse (resume, then cache),
 * attempts with retries and backoff, the record. Never rejects for a step's
 * own failure: the outcome is the returned record's status.
 */
export async function runStep(step: PipelineStep, tracker: StepTracker, upstream: ReadonlyMap<string, TrainingStep>, scope: RunScope): Promise<TrainingStep> {
  tracker.startedAt = scope.now().toISOString();
  let settings: StepSettings;
  let inputs: Record<string, string>;
  try {
    settings = stepSettings(step, scope.params);
    const resolved = await resolveInputs(step, upstream, scope.artifacts);
    inputs = resolved.paths;
    const key = await computeKey(step, settings, resolved.digests, scope);
    tracker.cacheKey = key.key;
    tracker.cacheable = key.cacheable;
    const reusable = await findReusable(step, key, scope);
    if (reusable !== undefined) {
      tracker.outputs = reusable.outputs;
      Object.assign(tracker.metrics, reusable.metrics);
      tracker.cachedFrom = reusable.cachedFrom ?? reusable.runId;
      // The record keeps what the step logged when it ran (`train show`); the live views only see the reuse.
      for (const line of reusable.logTail) if (!line.startsWith(REUSED)) tracker.logs.add(line);
      tracker.log(`${REUSED}${tracker.cachedFrom} (cache key ${key.key.slice(0, 12)})`);
      return await tracker.finish('cached', scope.now());
    }
  } catch (err) {
    tracker.error = messageOf(err);
    return tracker.finish(scope.signal.aborted ? 'cancelled' : 'failed', scope.now());
  }
  return runAttempts(step, tracker, settings, inputs, scope);
}

async function runAttempts(step: PipelineStep, tracker: StepTracker, settings: StepSettings, inputs: Record<string, string>, scope: RunScope): Promise<TrainingStep> {
  const maxAttempts = step.retries + 1;
  for (let attempt = 1; ; attempt++) {
    if (scope.signal.aborted) return cancelled(tracker, scope);
    tracker.attempts = attempt;
    tracker.status = 'running';
    for (const name of Object.keys(tracker.metrics)) delete tracker.metrics[name];
    scope.emit({ type: 'step-started', step: step.name, attempt, maxAttempts });
    await tracker.save();
    try {
      tracker.outputs = await runAttempt(step, attempt, tracker, settings, inputs, scope);
      tracker.error = null;
      return await tracker.finish('succeeded', scope.now());
    } catch (err) {
      if (scope.signal.aborted) return cancelled(tracker, scope);
      const rejection = asRejection(err);
      if (rejection !== undefined) {
        tracker.error = rejection.message;
        tracker.reasons = rejection.reasons;
        for (const reason of rejection.reasons) tracker.log(`rejected: ${reason}`);
        return tracker.finish('rejected', scope.now());
      }
      const message = messageOf(err);
      tracker.error = message;
      tracker.log(`attempt ${attempt} of ${maxAttempts} failed: ${message}`);
      if (attempt >= maxAttempts) return tracker.finish('failed', scope.now());
      const delayMs = step.retryBackoffMs * 2 ** (attempt - 1);
      scope.emit({ type: 'step-retry', step: step.name, attempt, error: message, delayMs });
      await tracker.save();
      try {
        await sleep(delayMs, undefined, { signal: scope.signal });
      } catch {
        return cancelled(tracker, scope);
      }
    }
  }
}

function cancelled(tracker: StepTracker, scope: RunScope): Promise<TrainingStep> {
  tracker.error = 'cancelled';
  return tracker.finish('cancelled', scope.now());
}

/** One attempt: fresh output folders, the step under its timeout, then its outputs stored. */
async function runAttempt(
  step: PipelineStep,
  attempt: number,
  tracker: StepTracker,
  settings: StepSettings,
  inputs: Record<string, string>,
  scope: RunScope,
): Promise<Record<string, StepOutputRecord>> {
  const staged = await stageOutputs(scope.artifacts, step.outputs);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new MlError('STEP_TIMEOUT', { step: step.name, timeoutMs: step.timeoutMs })), step.timeoutMs);
  try {
    const execution: Execution = {
      run: { id: scope.runId, pipeline: scope.pipeline, attempt },
      step: step.name,
      params: settings.params,
      pipelineParams: scope.params,
      inputs,
      outputs: staged.paths,
      workDir: scope.workDir,
      storage: scope.storage,
      signal: AbortSignal.any([scope.signal, timeout.signal]),
      report: tracker,
    };
    const result = await execute(step, execution);
    for (const [name, value] of Object.entries(result?.metrics ?? {})) tracker.metric(name, value);
    return await staged.store(step.name);
  } finally {
    clearTimeout(timer);
    await staged.discard();
  }
}

function execute(step: PipelineStep, execution: Execution): Promise<StepResult | void> {
  switch (step.kind) {
    case 'module':
      return executeModule(step, execution);
    case 'command':
      return executeCommand(step, execution);
    case 'function':
      return executeInProcess(step.fn, execution);
    case 'builtin':
      return executeInProcess(step.builtin.run, execution);
  }
}

/** Local folders and digests of the upstream outputs a step takes. */
async function resolveInputs(step: PipelineStep, upstream: ReadonlyMap<string, TrainingStep>, artifacts: ArtifactStore): Promise<{ paths: Record<string, string>; digests: Record<string, string> }> {
  const paths: Record<string, string> = {};
  const digests: Record<string, string> = {};
  for (const [input, ref] of Object.entries(step.inputs)) {
    const output = upstream.get(ref.step)?.outputs[ref.output];
    if (output === undefined) throw new MlError('INTERNAL', { reason: `input "${input}": step "${ref.step}" recorded no output "${ref.output}"` });
    paths[input] = await artifacts.localPath(output.key);
    digests[input] = output.digest;
  }
  return { paths, digests };
}

async function computeKey(step: PipelineStep, settings: StepSettings, inputs: Record<string, string>, scope: RunScope): Promise<CacheKey> {
  const fingerprint = step.kind === 'builtin' ? await step.builtin.fingerprint?.(settings.settings, scope.workDir) : undefined;
  return cacheKeyOf(step, {
    code: await scope.hasher.codeOf(step),
    files: await scope.hasher.files(step),
    params: settings.keyParams,
    inputs,
    fingerprint,
  });
}

/**
 * A record whose outputs this step can take instead of running: the resumed
 * run's own record of the step (even for `cache: false`) when the key is
 * unchanged, else — for a cacheable step — the newest record with its key.
 * Either way only when every output artifact is still in the store.
 */
async function findReusable(step: PipelineStep, key: CacheKey, scope: RunScope): Promise<TrainingStep | undefined> {
  const previous = scope.resume?.steps.get(step.name);
  if (previous !== undefined && isDone(previous) && previous.cacheKey === key.key && (await outputsPresent(step, previous, scope.artifacts))) return previous;
  if (!key.cacheable) return undefined;
  const found = await scope.store.findReusable(key.key);
  return found !== undefined && (await outputsPresent(step, found, scope.artifacts)) ? found : undefined;
}

function isDone(record: TrainingStep): boolean {
  return record.status === 'succeeded' || record.status === 'cached';
}

async function outputsPresent(step: PipelineStep, record: TrainingStep, artifacts: ArtifactStore): Promise<boolean> {
  for (const name of step.outputs) {
    const output = record.outputs[name];
    if (output === undefined || !(await artifacts.exists(output.key))) return false;
  }
  return true;
}
