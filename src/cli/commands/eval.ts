import type { Command } from 'commander';
import { metadataUrlOf, openEvaluationStore } from '../../adapters/open-evaluation-store.js';
import { loadConfigFile } from '../../config/load-config.js';
import type { Config } from '../../config/schema.js';
import { parseDuration } from '../../evaluation/duration.js';
import type { Evaluation } from '../../evaluation/evaluate.js';
import { formatEvaluations } from '../../evaluation/format-report.js';
import { runEvaluation } from '../../evaluation/run-evaluation.js';
import { evaluateAndStore } from '../../evaluation/store-evaluation.js';
import type { EvaluationStore } from '../../ports/evaluation-store.js';
import { configFile, withPredictionLog } from '../config-file.js';

interface ReportFlags {
  model?: string;
  since: string;
  window: string;
  json?: boolean;
  stored?: boolean;
  revisions?: boolean;
}

type RunFlags = Omit<ReportFlags, 'stored' | 'revisions'>;

const CONFIG_ARGUMENT = 'mlpatterns.yaml (default: ./mlpatterns.yaml)';
const SINCE_HELP = 'predictions of this period back from now (30m, 1h, 7d, 2w)';
const WINDOW_HELP = 'width of each window (1h, 1d), aligned to UTC';

export function evalCommand(program: Command): void {
  const evaluation = program.command('eval').description('continued model evaluation: predictions joined with feedback');
  evaluation
    .command('report')
    .description('accuracy/precision/recall/F1 and MAE/RMSE/MAPE per model version and window, from the prediction log (or, with --stored, the stored timeline)')
    .argument('[config]', CONFIG_ARGUMENT)
    .option('--model <name>', 'only this model')
    .option('--since <duration>', `${SINCE_HELP}; with --stored: windows that end within it`, '7d')
    .option('--window <duration>', WINDOW_HELP, '1d')
    .option('--stored', 'read the windows `eval run` and evaluate: schedules stored in the metadata store instead of computing them')
    .option('--revisions', 'with --stored: every distinct result each window has had, oldest first (how late feedback moved it)')
    .option('--json', 'one JSON evaluation per line')
    .action(async (configPath: string | undefined, flags: ReportFlags) => {
      const sinceMs = parseDuration('--since', flags.since);
      const windowMs = parseDuration('--window', flags.window);
      const config = await loadConfigFile(configFile(configPath));
      const now = Date.now();
      if (flags.stored === true || flags.revisions === true) {
        await withEvaluationStore(config, (store) => printStored(store, { model: flags.model, windowMs, since: new Date(now - sinceMs) }, flags));
        return;
      }
      await withPredictionLog(config, 'evaluate', async (sink) => {
        const evaluations = await runEvaluation(sink, { since: new Date(now - sinceMs), until: new Date(now), windowMs, ...(flags.model !== undefined ? { model: flags.model } : {}) });
        print(evaluations, flags.json);
      });
    });
  evaluation
    .command('run')
    .description('compute the windows of the period as `eval report` does and store them in the metadata store (re-running updates them)')
    .argument('[config]', CONFIG_ARGUMENT)
    .option('--model <name>', 'only this model')
    .option('--since <duration>', `${SINCE_HELP}; rounded down to a window start`, '7d')
    .option('--window <duration>', WINDOW_HELP, '1d')
    .option('--json', 'one JSON evaluation per line')
    .action(async (configPath: string | undefined, flags: RunFlags) => {
      const sinceMs = parseDuration('--since', flags.since);
      const windowMs = parseDuration('--window', flags.window);
      const config = await loadConfigFile(configFile(configPath));
      await withPredictionLog(config, 'evaluate', (sink) =>
        withEvaluationStore(config, async (store) => {
          const run = await evaluateAndStore(sink, store, { model: flags.model, sinceMs, windowMs, until: new Date() });
          print(run.evaluations, flags.json);
          const { created, revised, unchanged, kept } = run.saved;
          process.stderr.write(
            `stored ${run.evaluations.length} window${run.evaluations.length === 1 ? '' : 's'} from ${run.since} to ${run.until} in the metadata store: ${created} new, ${revised} revised, ${unchanged} unchanged${kept > 0 ? `, ${kept} kept (fewer predictions than stored: records missing from the log)` : ''}\n`,
          );
        }),
      );
    });
}

async function withEvaluationStore<T>(config: Config, use: (store: EvaluationStore) => Promise<T>): Promise<T> {
  const store = await openEvaluationStore(metadataUrlOf(config.storage));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function printStored(store: EvaluationStore, query: { model?: string | undefined; windowMs: number; since: Date }, flags: ReportFlags): Promise<void> {
  if (flags.revisions === true) {
    const revisions = sorted(await store.revisions(query));
    if (flags.json) for (const r of revisions) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(formatEvaluations(revisions, [{ header: 'COMPUTED AT', cell: (r) => r.computed_at }], 'no stored windows in the period'));
    return;
  }
  const stored = sorted(await store.list(query));
  if (flags.json) for (const e of stored) process.stdout.write(`${JSON.stringify(e)}\n`);
  else {
    const extra = [
      { header: 'COMPUTED AT', cell: (e: (typeof stored)[number]) => e.computed_at },
      { header: 'REVISIONS', cell: (e: (typeof stored)[number]) => String(e.revisions) },
    ];
    process.stdout.write(formatEvaluations(stored, extra, 'no stored windows in the period (run `mlpatterns eval run`, or an evaluate: schedule)'));
  }
}

function print(evaluations: readonly Evaluation[], json: boolean | undefined): void {
  if (json) for (const e of evaluations) process.stdout.write(`${JSON.stringify(e)}\n`);
  else process.stdout.write(formatEvaluations(evaluations));
}

/** As `eval report` orders computed windows: model, version (numerically: 2 before 10), window; stable otherwise. */
function sorted<T extends Evaluation>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) => a.model.localeCompare(b.model) || a.version.localeCompare(b.version, undefined, { numeric: true }) || a.window_start.localeCompare(b.window_start),
  );
}
