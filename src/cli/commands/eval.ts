import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load-config.js';
import { parseDuration } from '../../evaluation/duration.js';
import { formatEvaluations } from '../../evaluation/format-report.js';
import { runEvaluation } from '../../evaluation/run-evaluation.js';
import { configFile, withPredictionLog } from '../config-file.js';

interface ReportFlags {
  model?: string;
  since: string;
  window: string;
  json?: boolean;
}

export function evalCommand(program: Command): void {
  const evaluation = program.command('eval').description('continued model evaluation: predictions joined with feedback');
  evaluation
    .command('report')
    .description('accuracy/precision/recall/F1 and MAE/RMSE/MAPE per model version and window, from the prediction log')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('--model <name>', 'only this model')
    .option('--since <duration>', 'predictions of this period back from now (30m, 1h, 7d, 2w)', '7d')
    .option('--window <duration>', 'width of each window (1h, 1d), aligned to UTC', '1d')
    .option('--json', 'one JSON evaluation per line')
    .action(async (configPath: string | undefined, flags: ReportFlags) => {
      const sinceMs = parseDuration('--since', flags.since);
      const windowMs = parseDuration('--window', flags.window);
      const config = await loadConfigFile(configFile(configPath));
      await withPredictionLog(config, 'evaluate', async (sink) => {
        const now = Date.now();
        const evaluations = await runEvaluation(sink, { since: new Date(now - sinceMs), until: new Date(now), windowMs, ...(flags.model !== undefined ? { model: flags.model } : {}) });
        if (flags.json) for (const e of evaluations) process.stdout.write(`${JSON.stringify(e)}\n`);
        else process.stdout.write(formatEvaluations(evaluations));
      });
    });
}
