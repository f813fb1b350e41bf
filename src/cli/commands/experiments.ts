import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load-config.js';
import { MlError } from '../../errors/ml-error.js';
import { parseDuration } from '../../evaluation/duration.js';
import { formatExperimentsReport } from '../../experiments/format-report.js';
import { runExperimentsReport } from '../../experiments/run-report.js';
import { configFile, withPredictionLog } from '../config-file.js';

interface ReportFlags {
  since: string;
  json?: boolean;
  mde: string;
  alpha: string;
}

function fraction(name: string, text: string): number {
  const x = Number(text);
  if (!(x > 0 && x < 1)) throw new Error(`${name} must be a number between 0 and 1 (got "${text}")`);
  return x;
}

export function experimentsCommand(program: Command): void {
  const experiments = program.command('experiments').description('shadow and online A/B experiments, read from the prediction log');
  experiments
    .command('report')
    .description("per shadow node: agreement, mean absolute difference, latency; per split node: per-variant success rate and rewards with a significance verdict")
    .argument('<service>', 'the service whose shadow and split nodes to report')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('--since <duration>', 'predictions of this period back from now (30m, 1h, 1d, 2w)', '1d')
    .option('--mde <rate>', 'smallest absolute difference in success rate worth detecting (sets the planned sample size)', '0.05')
    .option('--alpha <p>', 'significance level', '0.05')
    .option('--json', 'the report as one JSON object')
    .action(async (serviceName: string, configPath: string | undefined, flags: ReportFlags) => {
      const sinceMs = parseDuration('--since', flags.since);
      const rateEffect = fraction('--mde', flags.mde);
      const alpha = fraction('--alpha', flags.alpha);
      const config = await loadConfigFile(configFile(configPath));
      const service = config.services.find((s) => s.name === serviceName);
      if (!service) throw new MlError('SERVICE_NOT_FOUND', { name: serviceName });
      await withPredictionLog(config, 'report', async (sink) => {
        const now = Date.now();
        const report = await runExperimentsReport(sink, service, { since: new Date(now - sinceMs), until: new Date(now), rateEffect, alpha });
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : formatExperimentsReport(report));
      });
    });
}
