import { parseDuration } from '../evaluation/duration.js';
import { EVALUATION_METRIC_NAMES } from '../evaluation/metrics-of.js';
import type { EvaluationStore, StoredEvaluation } from '../ports/evaluation-store.js';
import { parseCondition } from './expressions.js';
import type { MonitorConfig, TriggerConfig } from './schema.js';

/**
 * The stored continued-evaluation window a monitor with `evaluation:` reads:
 * the newest window of the configured width with at least `minJoined` joined
 * rows (docs/monitoring.md). `undefined` without `evaluation:`, `null` when no
 * stored window qualifies (its metrics are then absent: no verdict).
 */
export async function latestEvaluation(monitor: MonitorConfig, store: EvaluationStore | undefined): Promise<StoredEvaluation | null | undefined> {
  const spec = monitor.evaluation;
  if (spec === undefined) return undefined;
  if (store === undefined) throw new Error(`monitor "${monitor.name}" reads the stored evaluation (evaluation:) but was given no evaluation store`);
  const version = spec.version ?? monitor.version;
  const found = await store.latest({
    model: spec.model ?? monitor.model,
    windowMs: parseDuration('window', spec.window),
    minJoined: spec.minJoined,
    complete: spec.complete,
    ...(version !== undefined ? { version } : {}),
  });
  return found ?? null;
}

/** Whether a condition reads a metric of the stored evaluation (judged by its own minJoined, not the monitor's minSamples). */
export function readsEvaluation(condition: string): boolean {
  const parsed = parseCondition(condition);
  return parsed.kind === 'compare' && EVALUATION_METRIC_NAMES.has(parsed.metric);
}

export function triggerReadsEvaluation(trigger: TriggerConfig): boolean {
  if (trigger.when !== undefined) return readsEvaluation(trigger.when);
  return trigger.metric !== undefined && EVALUATION_METRIC_NAMES.has(trigger.metric);
}
