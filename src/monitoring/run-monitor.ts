import type { EventLog } from '../ports/event-log.js';
import { deliverAlert, type AlertMessage, type AlertSinkOptions } from './alert-sinks.js';
import { readState, stateFile, writeState } from './alert-state.js';
import { baselineFeatures } from './baseline.js';
import { driftSummary, type DriftSummary } from './drift-report.js';
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
}

/** One monitor run: read the window, test drift per feature, fire/resolve alerts (deduplicated), evaluate triggers. */
export async function runMonitor(monitor: MonitorConfig, options: RunMonitorOptions): Promise<MonitorRun> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - parseWindow(monitor.window));
  const records = await recentRecords(options.log, { model: monitor.model, ...(monitor.version !== undefined ? { version: monitor.version } : {}), since });
  const wanted = monitor.features === undefined ? undefined : new Set(monitor.features);
  const features = baselineFeatures(options.baseline).filter((f) => wanted === undefined || wanted.has(f.name));
  if (features.length === 0) throw new Error(`monitor "${monitor.name}": model "${monitor.model}" has no baseline features in its manifest to compare with`);
  const { instances, columns } = featureColumns(records, features);
  const status = instances < monitor.minSamples ? 'insufficient_data' : 'ok';
  const drift = driftSummary(features, columns, { minSamples: monitor.minSamples, ...(monitor.test !== undefined ? { test: monitor.test } : {}), ...(monitor.threshold !== undefined ? { threshold: monitor.threshold } : {}) });
  const operations = operationsSummary(records, parseWindow(monitor.window), monitor.latencySloMs);
  const outliers = monitor.outlier !== undefined && options.outlierScorer !== undefined ? await outlierSummary(options.outlierScorer, loggedInstances(records), monitor.outlier.threshold) : undefined;
  const metrics = runMetrics(drift, instances, operations, outliers);

  const file = stateFile(options.stateDir, monitor.name);
  const state = await readState(file);
  const base = { monitor: monitor.name, model: monitor.model, at: now.toISOString(), since: since.toISOString(), records: records.length, samples: instances, status, drift, operations, ...(outliers !== undefined ? { outliers } : {}), metrics } as const;
  if (status !== 'ok') {
    return { ...base, alerts: monitor.alerts.map((a) => ({ alert: a.name ?? a.when, status: (state.active[a.name ?? a.when] ? 'active' : 'ok') })), triggers: [] };
  }
  const drifted = new Set(drift.features.filter((f) => f.drifted).map((f) => f.feature));
  const alerts: AlertOutcome[] = [];
  for (const rule of monitor.alerts) {
    const name = rule.name ?? rule.when;
    const firing = evaluateCondition(parseCondition(rule.when), metrics, drifted) === true;
    const wasActive = state.active[name] !== undefined;
    if (firing === wasActive) {
      alerts.push({ alert: name, status: firing ? 'active' : 'ok' });
      continue;
    }
    const message: AlertMessage = { monitor: monitor.name, model: monitor.model, alert: name, when: rule.when, status: firing ? 'firing' : 'resolved', at: now.toISOString(), driftShare: drift.driftShare, driftedFeatures: [...drifted], samples: instances };
    try {
      await deliverAlert(rule, message, options.sinks);
      if (firing) state.active[name] = now.toISOString();
      else delete state.active[name];
      alerts.push({ alert: name, status: message.status });
    } catch (err) {
      alerts.push({ alert: name, status: wasActive ? 'active' : 'ok', error: (err as Error).message });
    }
  }
  const triggers = await evaluateTriggers(options.triggers ?? [], metrics, drifted, state, options.triggerOptions);
  await writeState(file, state);
  return { ...base, alerts, triggers };
}

function runMetrics(drift: DriftSummary, samples: number, operations: OperationsSummary, outliers: OutlierSummary | undefined): Record<string, number> {
  const metrics: Record<string, number> = {
    drift_share: drift.driftShare,
    drifted_features: drift.driftedFeatures,
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
