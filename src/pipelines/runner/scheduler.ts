import type { TrainingStep } from '../../ports/training-run-store.js';
import type { PipelineStep } from '../definition.js';

export interface ScheduleOptions {
  /** Most steps running at once. */
  readonly concurrency: number;
  /** Aborted: no new step starts (running ones are stopped by their own signal). */
  readonly signal: AbortSignal;
  /** Runs one step to its final record, given the records of the steps finished so far. */
  readonly runStep: (step: PipelineStep, finished: ReadonlyMap<string, TrainingStep>) => Promise<TrainingStep>;
}

const OK = new Set(['succeeded', 'cached']);

/** The steps a step waits for: those its inputs come from, and its `after:`. */
export function dependenciesOf(step: PipelineStep): string[] {
  return [...new Set([...Object.values(step.inputs).map((ref) => ref.step), ...step.after])];
}

/**
 * Runs a step graph: every step whose dependencies all succeeded (or were
 * reused) starts, in declaration order, while fewer than `concurrency` run.
 * The first step that does not succeed stops new starts; the running ones
 * finish. Resolves with the records of the steps that ran; the ones missing
 * never started.
 */
export async function scheduleSteps(steps: readonly PipelineStep[], options: ScheduleOptions): Promise<Map<string, TrainingStep>> {
  const finished = new Map<string, TrainingStep>();
  const running = new Map<string, Promise<void>>();
  const started = new Set<string>();
  let stopped = false;
  let crash: { error: unknown } | undefined;
  const limit = Math.max(1, Math.floor(options.concurrency));

  const start = (step: PipelineStep): void => {
    started.add(step.name);
    const done = options
      .runStep(step, finished)
      .then(
        (record) => {
          finished.set(step.name, record);
          if (!OK.has(record.status)) stopped = true;
        },
        (error: unknown) => {
          // Not a step's failure (those are records) but the runner's own, e.g. the store went away.
          stopped = true;
          crash ??= { error };
        },
      )
      .finally(() => running.delete(step.name));
    running.set(step.name, done);
  };

  for (;;) {
    if (!stopped && !options.signal.aborted) {
      for (const step of steps) {
        if (running.size >= limit) break;
        if (started.has(step.name)) continue;
        if (dependenciesOf(step).every((dep) => OK.has(finished.get(dep)?.status ?? ''))) start(step);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (crash !== undefined) throw crash.error;
  return finished;
}
