import { evaluationMetrics } from '../evaluation/metrics-of.js';
import type { EvaluationStore, StoredEvaluation } from '../ports/evaluation-store.js';
import type { EventLog } from '../ports/event-log.js';
import { deliverAlert, type AlertMessage, type AlertSinkOptions } from './alert-sinks.js';
import { readState, stateFile, writeState } from './alert-state.js';
import { baselineFeatures } from './baseline.js';
import { driftSummary, type DriftSummary } from './drift-report.js';
import { latestEvaluation, readsEvaluation, triggerReadsEvaluation } from './evaluation-source.js';
import { evaluateCondition, parseCondition, parseWindow } from './expressions.js';
import { featureColumns } from './feature-columns.js';
import { operationsSummary, type OperationsSummary } from './operations.js';
import { loggedInstances, outlierSummary, type OutlierScorer, type OutlierSummary } from './outlier-rate.js';
import { recentRecords } from './recent-records.js';
import type { MonitorConfig, TriggerConfig } from './schema.js';
import { evaluateTriggers, type TriggerOptions, type TriggerOutcome } from './triggers.js';

export interface AlertOutcome {
  readonly alert: string;
  /** firing/resolved: a message was sent this run; active: still firing (not re-sent); ok: not firing. */
  readonly status: 'firing' | 'resolved' | 'active' | 'ok';
  /** A delivery failure: the alert stays unsent and is tried again next run. */
  readonly error?: string;
}

export interface MonitorRun {
  readonly monitor: string;
  readonly model: string;
  readonly at: string;
  readonly since: string;
  readonly records: number;
  /** Instances (rows) in the window's records. */
  readonly samples: number;
  /** `insufficient_data`: fewer than minSamples instances; no verdict, alert states kept. */
  readonly status: 'ok' | 'insufficient_data';
  readonly drift: DriftSummary;
  /** Calls, error rate, latency percentiles and SLO violations over the window. */
  readonly operations: OperationsSummary;
  /** With `outlier:` in the monitor config. */
  readonly outliers?: OutlierSummary;
  /** With `evaluation:`: the stored window whose metrics the run read, or `null` when none qualified. */
  readonly evaluation?: StoredEvaluation | null;
  /** What alert and trigger conditions read (docs/monitoring.md lists them). */
  readonly metrics: Record<string, number>;
  readonly alerts: AlertOutcome[];
  readonly triggers: TriggerOutcome[];
}

export interface RunMonitorOptions {
  readonly log: EventLog;
  /** The model manifest's `baseline` section. */
  readonly baseline: unknown;
  readonly stateDir: string;
  /** Triggers of this monitor. @default [] */
  readonly triggers?: readonly TriggerConfig[];
  readonly now?: Date;
  readonly sinks?: AlertSinkOptions;
  readonly triggerOptions?: TriggerOptions;
  /** Scores instances for `outlier:` (MonitorRunner loads the configured model). */
  readonly outlierScorer?: OutlierScorer;
  /** The stored continued evaluation, for monitors with `evaluation:` (MonitorRunner opens the config's metadata store). */
  readonly evaluations?: EvaluationStore;
}

/** One monitor run: read the window, test drift per feature, fire/resolve alerts (deduplicated), evaluate triggers. */
export async function runMonitor(monitor: MonitorConfig, options: RunMonitorOptions): Promise<MonitorRun> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - parseWindow(monitor.window));
  const records = await recentRecords(options.log, { model: monitor.model, ...(monitor.version !== undefined ? { version: monitor.version } : {}), since });
  const wanted = monitor.features === undefined ? undefined : new Set(monitor.features);
  const features = baselineFeatures(options.baseline).filter((f) => wanted === undefined || wanted.has(f.name));
  // A monitor of model quality alone (evaluation:) needs no baseline; a drift monitor does.
  if (features.length === 0 && monitor.evaluation === undefined) throw new Error(`monitor "${monitor.name}": model "${monitor.model}" has no baseline features in its manifest to compare with`);
  const { instances, columns } = featureColumns(records, features);
  const status = instances < monitor.minSamples ? 'insufficient_data' : 'ok';
  const drift = driftSummary(features, columns, { minSamples: monitor.minSamples, ...(monitor.test !== undefined ? { test: monitor.test } : {}), ...(monitor.threshold !== undefined ? { threshold: monitor.threshold } : {}) });
  const operations = operationsSummary(records, parseWindow(monitor.window), monitor.latencySloMs);
  const outliers = monitor.outlier !== undefined && options.outlierScorer !== undefined ? await outlierSummary(options.outlierScorer, loggedInstances(records), monitor.outlier.threshold) : undefined;
  const evaluation = await latestEvaluation(monitor, options.evaluations);
  const metrics = { ...runMetrics(drift, instances, operations, outliers, features.length > 0), ...(evaluation ? evaluationMetrics(evaluation) : {}) };

  const file = stateFile(options.stateDir, monitor.name);
  const state = await readState(file);
  const base = {
    monitor: monitor.name,
    model: monitor.model,
    at: now.toISOString(),
    since: since.toISOString(),
    records: records.length,
    samples: instances,
    status,
    drift,
    operations,
    ...(outliers !== undefined ? { outliers } : {}),
    ...(evaluation !== undefined ? { evaluation } : {}),
    metrics,
  } as const;
  // Too few instances: drift and operations have no verdict. The stored evaluation has its own bar
  // (minJoined), so rules on its metrics are judged whatever the traffic of the monitor's window.
  const judged = (condition: string): boolean => status === 'ok' || readsEvaluation(condition);
  const keep = (name: string): AlertOutcome => ({ alert: name, status: state.active[name] !== undefined ? 'active' : 'ok' });
  const triggers = (options.triggers ?? []).filter((t) => status === 'ok' || triggerReadsEvaluation(t));
  if (status !== 'ok' && triggers.length === 0 && !monitor.alerts.some((a) => judged(a.when))) {
    return { ...base, alerts: monitor.alerts.map((a) => keep(a.name ?? a.when)), triggers: [] };
  }
  const drifted = new Set(drift.features.filter((f) => f.drifted).map((f) => f.feature));
  const alerts: AlertOutcome[] = [];
  for (const rule of monitor.alerts) {
    const name = rule.name ?? rule.when;
    const verdict = judged(rule.when) ? evaluateCondition(parseCondition(rule.when), metrics, drifted) : undefined;
    // No verdict (too few samples, or the metric is absent: no stored window qualified): the alert keeps its state.
    if (verdict === undefined) {
      alerts.push(keep(name));
      continue;
    }
    const firing = verdict;
    const wasActive = state.active[name] !== undefined;
    if (firing === wasActive) {
      alerts.push({ alert: name, status: firing ? 'active' : 'ok' });
      continue;
    }
    const message: AlertMessage = {
      monitor: monitor.name,
      model: monitor.model,
      alert: name,
      when: rule.when,
      status: firing ? 'firing' : 'resolved',
      at: now.toISOString(),
      driftShare: drift.driftShare,
      driftedFeatures: [...drifted],
      samples: instances,
      ...(evaluation && readsEvaluation(rule.when) ? { evaluation: windowOf(evaluation) } : {}),
    };
    try {
      await deliverAlert(rule, message, options.sinks);
      if (firing) state.active[name] = now.toISOString();
      else delete state.active[name];
      alerts.push({ alert: name, status: message.status });
    } catch (err) {
      alerts.push({ alert: name, status: wasActive ? 'active' : 'ok', error: (err as Error).message });
    }
  }
  const outcomes = await evaluateTriggers(triggers, metrics, drifted, state, options.triggerOptions);
  await writeState(file, state);
  return { ...base, alerts, triggers: outcomes };
}

/** Which stored window an alert on an evaluation metric judged (the message says what "accuracy" was measured on). */
function windowOf(e: StoredEvaluation): NonNullable<AlertMessage['evaluation']> {
  return { model: e.model, version: e.version, windowStart: e.window_start, windowEnd: e.window_end, joined: e.joined, computedAt: e.computed_at };
}

/** The run's own metrics; without baseline features (a monitor of evaluation metrics only) there is no drift to report. */
function runMetrics(drift: DriftSummary, samples: number, operations: OperationsSummary, outliers: OutlierSummary | undefined, hasDrift: boolean): Record<string, number> {
  const metrics: Record<string, number> = {
    ...(hasDrift ? { drift_share: drift.driftShare, drifted_features: drift.driftedFeatures } : {}),
    samples,
    calls: operations.calls,
    calls_per_minute: operations.callsPerMinute,
    error_rate: operations.errorRate,
  };
  if (operations.latencyMs !== undefined) {
    metrics.latency_p50_ms = operations.latencyMs.p50;
    metrics.latency_p95_ms = operations.latencyMs.p95;
    metrics.latency_p99_ms = operations.latencyMs.p99;
  }
  if (operations.sloViolationRate !== undefined) metrics.latency_slo_violations = operations.sloViolationRate;
  if (outliers !== undefined) metrics.outlier_rate = outliers.rate;
  for (const f of drift.features) {
    if (f.statistic !== undefined) metrics[`feature:${f.feature}.statistic`] = f.statistic;
    if (f.currentMean !== undefined) metrics[`feature:${f.feature}.mean`] = f.currentMean;
  }
  return metrics;
}
