import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { MonitorRunner } from './monitor-runner.js';
import type { MonitorRun } from './run-monitor.js';

export interface ServeMonitors {
  close(): Promise<void>;
}

/**
 * Runs the config's monitors on their crons inside `serve`, and exports their
 * latest results as gauges on the server's `/metrics`. Not in `--workers`
 * processes: every worker would run (and alert) the same monitor; run
 * `mlpatterns monitor run` beside a multi-worker server instead.
 * Never throws: a monitor that cannot start is logged, and serving goes on.
 */
export function startServeMonitors(config: Config, registry: Registry, log?: Logger): ServeMonitors | undefined {
  if (config.monitors.length === 0 || cluster.isWorker) return undefined;
  const gauges = monitorGauges(registry);
  let runner: MonitorRunner;
  try {
    runner = new MonitorRunner(config, {
      // The log sink goes through the server's logger when it has one.
      ...(log !== undefined ? { sinks: { writeLog: (line: string) => logAlert(log, line) } } : {}),
      onRun: (run) => {
        gauges.record(run);
        log?.info({ monitor: run.monitor, status: run.status, driftShare: run.drift.driftShare, alerts: run.alerts }, 'monitor run');
      },
      onError: (monitor, err) => {
        gauges.runs.inc({ monitor, result: 'error' });
        log?.error({ monitor, err: err.message }, 'monitor run failed');
      },
    });
  } catch (err) {
    log?.error({ err: (err as Error).message }, 'monitors not started');
    return undefined;
  }
  runner.start();
  return { close: () => runner.close() };
}

function logAlert(log: Logger, line: string): void {
  const { level, msg, ...message } = JSON.parse(line) as { level: string; msg: string };
  if (level === 'warn') log.warn(message, msg);
  else log.info(message, msg);
}

function monitorGauges(registry: Registry): { runs: Counter<'monitor' | 'result'>; record(run: MonitorRun): void } {
  const registers = [registry];
  const runs = new Counter({ name: 'mlpatterns_monitor_runs_total', help: 'Monitor runs by monitor and result (ok, insufficient_data, error)', labelNames: ['monitor', 'result'] as const, registers });
  const driftShare = new Gauge({ name: 'mlpatterns_monitor_drift_share', help: 'Share of drifted features at the last monitor run', labelNames: ['monitor', 'model'] as const, registers });
  const featureDrift = new Gauge({ name: 'mlpatterns_monitor_feature_drifted', help: '1 when the feature drifted at the last monitor run, else 0', labelNames: ['monitor', 'model', 'feature'] as const, registers });
  const featureStatistic = new Gauge({ name: 'mlpatterns_monitor_feature_drift_statistic', help: 'Drift statistic of the feature at the last monitor run (KS D, distance, …)', labelNames: ['monitor', 'model', 'feature', 'test'] as const, registers });
  const outlierRate = new Gauge({ name: 'mlpatterns_monitor_outlier_rate', help: 'Outlier rate at the last monitor run', labelNames: ['monitor', 'model'] as const, registers });
  const latencyP99 = new Gauge({ name: 'mlpatterns_monitor_latency_p99_seconds', help: 'p99 latency of logged calls in the window at the last monitor run', labelNames: ['monitor', 'model'] as const, registers });
  const alertActive = new Gauge({ name: 'mlpatterns_monitor_alert_active', help: '1 while the alert is firing', labelNames: ['monitor', 'alert'] as const, registers });
  return {
    runs,
    record(run) {
      runs.inc({ monitor: run.monitor, result: run.status });
      for (const a of run.alerts) alertActive.set({ monitor: run.monitor, alert: a.alert }, a.status === 'firing' || a.status === 'active' ? 1 : 0);
      if (run.status !== 'ok') return;
      const labels = { monitor: run.monitor, model: run.model };
      driftShare.set(labels, run.drift.driftShare);
      for (const f of run.drift.features) {
        if (f.test === undefined || f.statistic === undefined) continue;
        featureDrift.set({ ...labels, feature: f.feature }, f.drifted ? 1 : 0);
        featureStatistic.set({ ...labels, feature: f.feature, test: f.test }, f.statistic);
      }
      if (run.outliers !== undefined) outlierRate.set(labels, run.outliers.rate);
      if (run.operations.latencyMs !== undefined) latencyP99.set(labels, run.operations.latencyMs.p99 / 1000);
    },
  };
}
