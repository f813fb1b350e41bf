import { spawn } from 'node:child_process';
import { request } from 'undici';
import type { MonitorState } from './alert-state.js';
import { runTrainProcess, type TrainStorage } from '../schedules/train-process.js';
import { evaluateCondition, parseCondition } from './expressions.js';
import type { TriggerConfig } from './schema.js';

export interface TriggerOutcome {
  readonly trigger: string;
  /** fired: the action ran this run; holding: the condition still holds (not re-fired); idle: it does not hold. */
  readonly status: 'fired' | 'holding' | 'idle';
  readonly value?: number;
  readonly baseline?: number;
  readonly error?: string;
  /** A `pipeline:` action's training run: its id and how it ended (`succeeded`, or `rejected` by its gate). */
  readonly training?: { readonly runId: string | null; readonly status: string };
}

export interface TriggerOptions {
  /** Working directory of command and pipeline actions. @default process.cwd() */
  readonly cwd?: string;
  /** Where a `pipeline:` action with `storage: config` registers: the config's storage. */
  readonly storage?: TrainStorage;
  /** The CLI a `pipeline:` action runs (tests run it from source). @default this install's bin/mlpatterns.js */
  readonly trainCommand?: readonly string[];
}

/**
 * Retrain triggers: an absolute condition (`when`) or a direction-aware change
 * of a metric against a baseline (`up`: value ≥ baseline·(1+change); `down`:
 * value ≤ baseline·(1−change); with a baseline of 0, the change is absolute).
 * A trigger fires once when its condition starts to hold and again only after
 * it has cleared, so a drifted model does not start a training run every tick.
 */
export async function evaluateTriggers(
  triggers: readonly TriggerConfig[],
  metrics: Readonly<Record<string, number>>,
  drifted: ReadonlySet<string>,
  state: MonitorState,
  options: TriggerOptions = {},
): Promise<TriggerOutcome[]> {
  const outcomes: TriggerOutcome[] = [];
  for (const trigger of triggers) {
    const memory = (state.triggers[trigger.name] ??= {});
    let holds: boolean | undefined;
    let value: number | undefined;
    if (trigger.when !== undefined) {
      holds = evaluateCondition(parseCondition(trigger.when), metrics, drifted);
    } else if (trigger.metric !== undefined && trigger.baselineChange !== undefined) {
      value = metrics[trigger.metric];
      if (value !== undefined) {
        memory.baseline ??= trigger.baseline ?? value;
        holds = changed(value, memory.baseline, trigger.direction, trigger.baselineChange);
      }
    }
    const detail = { ...(value !== undefined ? { value } : {}), ...(memory.baseline !== undefined ? { baseline: memory.baseline } : {}) };
    // The metric is absent (e.g. no stored evaluation window with enough feedback): no verdict, so
    // the trigger neither fires nor clears, and a condition still holding later does not fire again.
    if (holds === undefined) {
      outcomes.push({ trigger: trigger.name, status: 'idle', ...detail });
      continue;
    }
    if (!holds) {
      memory.fired = false;
      outcomes.push({ trigger: trigger.name, status: 'idle', ...detail });
      continue;
    }
    if (memory.fired === true) {
      outcomes.push({ trigger: trigger.name, status: 'holding', ...detail });
      continue;
    }
    try {
      const training = await runAction(trigger, { trigger: trigger.name, metrics, ...detail }, options);
      memory.fired = true;
      outcomes.push({ trigger: trigger.name, status: 'fired', ...detail, ...(training !== undefined ? { training } : {}) });
    } catch (err) {
      outcomes.push({ trigger: trigger.name, status: 'idle', ...detail, error: (err as Error).message });
    }
  }
  return outcomes;
}

export function changed(value: number, baseline: number, direction: 'up' | 'down', change: number): boolean {
  const margin = baseline === 0 ? change : Math.abs(baseline) * change;
  return direction === 'up' ? value >= baseline + margin : value <= baseline - margin;
}

async function runAction(trigger: TriggerConfig, payload: unknown, options: TriggerOptions): Promise<TriggerOutcome['training']> {
  if ('webhook' in trigger.action) {
    const res = await request(trigger.action.webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`webhook answered ${res.statusCode}`);
    return undefined;
  }
  if ('pipeline' in trigger.action) return runPipelineAction(trigger.action, payload, options);
  const [command, ...args] = trigger.action.command;
  // The payload goes in an environment variable: the command (a training pipeline) decides what to do with it.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command ?? '', args, { cwd: options.cwd ?? process.cwd(), stdio: 'inherit', env: { ...process.env, MLPATTERNS_TRIGGER: JSON.stringify(payload) } });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`command exited with ${code}`))));
  });
}

/**
 * Retrains in a child process (never in the monitoring or serving process). A
 * run the gate rejected counts as fired: retraining happened and decided, and
 * firing again while the condition holds would decide the same. A failed run
 * is an error: the trigger stays unfired and tries again at its next evaluation.
 */
async function runPipelineAction(action: Extract<TriggerConfig['action'], { pipeline: string }>, payload: unknown, options: TriggerOptions): Promise<TriggerOutcome['training']> {
  const result = await runTrainProcess({
    pipeline: action.pipeline,
    ...(action.params !== undefined ? { params: action.params } : {}),
    storage: action.storage === 'config' ? options.storage : undefined,
    cwd: options.cwd,
    env: { MLPATTERNS_TRIGGER: JSON.stringify(payload) },
    command: options.trainCommand,
  });
  if (result.status === 'succeeded' || result.status === 'rejected') return { runId: result.runId, status: result.status };
  throw new Error(`training run ${result.runId ?? '(none)'} of ${action.pipeline} ${result.status === 'error' ? 'did not run' : result.status}: ${result.error ?? `exit code ${result.exitCode}`}`);
}
