import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load-config.js';
import { MonitorRunner } from '../../monitoring/monitor-runner.js';
import type { MonitorRun } from '../../monitoring/run-monitor.js';
import { configFile } from '../config-file.js';

interface RunFlags {
  once?: boolean;
  json?: boolean;
  monitor?: string;
}

export function monitorCommand(program: Command): void {
  const monitor = program.command('monitor').description('drift monitors over the prediction log, alerts and retrain triggers (monitors: in mlpatterns.yaml)');
  monitor
    .command('run')
    .description('run the monitors on their schedules (or once with --once) and send their alerts')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('--once', 'run each monitor once now, print the results and exit')
    .option('--monitor <name>', 'only this monitor')
    .option('--json', 'one JSON result per monitor run')
    .action(async (configPath: string | undefined, flags: RunFlags) => {
      const config = await loadConfigFile(configFile(configPath));
      if (config.monitors.length === 0) throw new Error('no monitors in this config (monitors:)');
      const print = (run: MonitorRun): void => void process.stdout.write(`${flags.json ? JSON.stringify(run) : describe(run)}\n`);
      const runner = new MonitorRunner(config, { onRun: print, onError: (name, err) => process.stderr.write(`mlpatterns: monitor ${name}: ${err.message}\n`) });
      if (flags.once) {
        try {
          for (const m of runner.monitors(flags.monitor)) await runner.runOnce(m);
        } finally {
          await runner.close();
        }
        return;
      }
      runner.start(flags.monitor);
      process.stderr.write(`monitoring ${runner.monitors(flags.monitor).map((m) => `${m.name} (${m.schedule})`).join(', ')}; Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await runner.close();
    });
}

/** A headline, one line per feature, then alerts and triggers that did something. */
function describe(run: MonitorRun): string {
  const head = `${run.at} monitor ${run.monitor} model ${run.model}: ${run.samples} samples in ${run.records} records since ${run.since}`;
  if (run.status !== 'ok') return [`${head}\n  insufficient data: no drift or operations verdict (fewer than minSamples instances)`, ...evaluationLines(run)].join('\n');
  const lines = [`${head}\n  drift share ${run.drift.driftShare.toFixed(2)} (${run.drift.driftedFeatures}/${run.drift.tested} features drifted)`];
  for (const f of run.drift.features) {
    if (f.skipped !== undefined) lines.push(`  ${f.feature}: skipped (${f.skipped})`);
    else lines.push(`  ${f.feature}: ${f.test} statistic=${fmt(f.statistic)}${f.pValue !== undefined ? ` p=${fmt(f.pValue)}` : ''} threshold=${f.threshold} ${f.drifted ? 'DRIFTED' : 'ok'}`);
  }
  const ops = run.operations;
  const latency = ops.latencyMs ? `, latency p50 ${fmt(ops.latencyMs.p50)} p95 ${fmt(ops.latencyMs.p95)} p99 ${fmt(ops.latencyMs.p99)} ms` : '';
  const slo = ops.sloViolationRate !== undefined ? `, over SLO ${fmt(ops.sloViolationRate)}` : '';
  lines.push(`  calls ${ops.calls} (${fmt(ops.callsPerMinute)}/min), error rate ${fmt(ops.errorRate)}${latency}${slo}`);
  if (run.outliers) lines.push(`  outlier rate ${fmt(run.outliers.rate)} (${run.outliers.outliers}/${run.outliers.scored} below ${run.outliers.threshold})`);
  return [...lines, ...evaluationLines(run)].join('\n');
}

/** The stored evaluation window read (with `evaluation:`), then alerts and triggers: judged on it even when the window has too few samples for drift. */
function evaluationLines(run: MonitorRun): string[] {
  const lines: string[] = [];
  const e = run.evaluation;
  if (e === null) lines.push('  evaluation: no stored window with enough feedback (see minJoined)');
  else if (e !== undefined) {
    const scores = Object.entries(run.metrics).filter(([name]) => ['accuracy', 'f1', 'mae', 'rmse', 'mape', 'reward'].includes(name));
    lines.push(`  evaluation ${e.model}:${e.version} window ${e.window_start} (${e.joined}/${e.predictions} joined, computed ${e.computed_at}) ${scores.map(([n, v]) => `${n} ${fmt(v)}`).join(' ')}`);
  }
  if (run.status === 'ok' || e !== undefined) {
    for (const a of run.alerts) lines.push(`  alert ${a.alert}: ${a.status}${a.error ? ` (${a.error})` : ''}`);
    for (const t of run.triggers) lines.push(`  trigger ${t.trigger}: ${t.status}${t.error ? ` (${t.error})` : ''}`);
  }
  return lines;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : Number(value.toPrecision(4)).toString();
}
