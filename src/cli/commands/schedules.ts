import type { Command } from 'commander';
import pino from 'pino';
import { openScheduleStore } from '../../adapters/open-schedule-store.js';
import { loadConfigFile } from '../../config/load-config.js';
import type { Config } from '../../config/schema.js';
import type { ScheduleRun } from '../../ports/schedule-store.js';
import { Scheduler } from '../../schedules/scheduler.js';
import { scheduleStoreUrl, startSchedules } from '../../schedules/start-schedules.js';
import { parseIntFlag } from '../parse.js';
import { configFile } from '../config-file.js';

interface RunFlags {
  now?: string;
}

interface HistoryFlags {
  config?: string;
  limit: string;
  json?: boolean;
}

export function schedulesCommand(program: Command): void {
  const schedules = program.command('schedules').description('batch jobs on a cron (schedules: in mlpatterns.yaml)');
  schedules
    .command('run')
    .description('run the scheduler alone (no HTTP server) until SIGINT/SIGTERM; any number may run, each tick runs once')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('--now <schedule>', 'run one tick of this schedule now (with its retries), print the run and exit')
    .action(async (configPath: string | undefined, flags: RunFlags) => {
      const file = configFile(configPath);
      const config = await loadConfigFile(file);
      if (flags.now !== undefined) return runNow(config, file, flags.now);
      if (!config.schedules.some((s) => s.enabled)) throw new Error(`${file} has no enabled schedules`);
      const running = await startSchedules(config, { configPath: file, log: pino({ level: config.server.logLevel }) });
      for (const entry of config.schedules.filter((s) => s.enabled)) {
        const [next] = running.scheduler.nextRuns(entry.name, 1);
        process.stdout.write(`schedule ${entry.name}: "${entry.cron}" (${entry.timezone}), next ${next?.toISOString() ?? 'never'}\n`);
      }
      await stopOnSignal(() => running.close());
    });
  schedules
    .command('list')
    .description('the schedules of a config, their next fire times and last runs')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('-n, --next <count>', 'fire times to show per schedule', '3')
    .action(async (configPath: string | undefined, flags: { next: string }) => {
      const config = await loadConfigFile(configFile(configPath));
      await list(config, parseIntFlag('--next', flags.next));
    });
  schedules
    .command('history')
    .description('recorded runs of a schedule, newest first')
    .argument('<name>', 'schedule name')
    .option('-c, --config <file>', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('-l, --limit <n>', 'runs to show', '20')
    .option('--json', 'one JSON object per run')
    .action(async (name: string, flags: HistoryFlags) => {
      const config = await loadConfigFile(configFile(flags.config));
      const limit = parseIntFlag('--limit', flags.limit);
      const store = await openScheduleStore(scheduleStoreUrl(config));
      try {
        const runs = await store.history(name, Math.max(limit, 1));
        if (flags.json) for (const run of runs) process.stdout.write(`${JSON.stringify(run)}\n`);
        else printHistory(name, runs);
      } finally {
        await store.close();
      }
    });
}

/** One tick now, named by the current second: a second `--now` in the same second is refused as already run. */
async function runNow(config: Config, file: string, name: string): Promise<void> {
  if (!config.schedules.some((s) => s.name === name)) {
    throw new Error(`unknown schedule "${name}" (schedules: ${config.schedules.map((s) => s.name).join(', ') || 'none'})`);
  }
  const running = await startSchedules({ ...config, schedules: config.schedules.map((s) => ({ ...s, enabled: false })) }, {
    configPath: file,
    onEvent: (event) => {
      if (event.type === 'attempt-failed') process.stderr.write(`schedule ${name}: attempt ${event.attempt} failed: ${event.error}\n`);
    },
  });
  try {
    const result = await running.scheduler.tick(name, new Date(Math.floor(Date.now() / 1000) * 1000));
    if (result.outcome === 'taken') {
      process.stdout.write(`schedule ${name}: this tick was already run by another scheduler\n`);
      return;
    }
    process.stdout.write(`${formatRun(result.run)}\n`);
    if (result.run.status !== 'succeeded') process.exitCode = 1;
  } finally {
    await running.close();
  }
}

async function list(config: Config, count: number): Promise<void> {
  if (config.schedules.length === 0) {
    process.stdout.write('no schedules\n');
    return;
  }
  const store = await openScheduleStore(scheduleStoreUrl(config));
  try {
    const scheduler = new Scheduler({ schedules: config.schedules, store, runJob: async () => ({}) });
    for (const entry of config.schedules) {
      const [last] = await store.history(entry.name, 1);
      process.stdout.write(`${entry.name}  "${entry.cron}" (${entry.timezone})${entry.enabled ? '' : '  disabled'}  ${describeJob(entry)}\n`);
      const next = scheduler.nextRuns(entry.name, count);
      process.stdout.write(`  next: ${next.map((d) => d.toISOString()).join(', ') || '-'}\n`);
      process.stdout.write(`  last: ${last ? formatRun(last) : '-'}\n`);
    }
  } finally {
    await store.close();
  }
}

/** `model …/iris -> out.jsonl` for a batch job, `train …/pipeline.yaml` for a training pipeline, `evaluate …` for a stored evaluation. */
function describeJob(entry: Config['schedules'][number]): string {
  const { batch, train, evaluate } = entry;
  if (evaluate !== undefined) return `evaluate ${evaluate.model ?? 'every model'} over ${evaluate.since} in ${evaluate.window} windows`;
  if (train !== undefined) return `train ${train.pipeline}${Object.keys(train.params ?? {}).length > 0 ? ` ${JSON.stringify(train.params)}` : ''}`;
  if (batch === undefined) return '';
  const target = batch.service !== undefined ? `service ${batch.service}` : `model ${batch.model ?? ''}`;
  return `${target} -> ${batch.output ?? `${batch.input} (${batch.whereNull ?? ''})`}`;
}

function printHistory(name: string, runs: readonly ScheduleRun[]): void {
  if (runs.length === 0) {
    process.stdout.write(`no runs of schedule "${name}"\n`);
    return;
  }
  for (const run of runs) process.stdout.write(`${formatRun(run)}\n`);
}

function formatRun(run: ScheduleRun): string {
  const took = run.finishedAt === null ? 'running' : `${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s`;
  const summary = run.summary;
  const keys =
    typeof summary?.keysWritten === 'number'
      ? `  ${summary.keysWritten} keys`
      : typeof summary?.runId === 'string'
        ? `  training run ${summary.runId}`
        : typeof summary?.windows === 'number'
          ? `  ${summary.windows} evaluation window${summary.windows === 1 ? '' : 's'} stored (${String(summary.created)} new, ${String(summary.revised)} revised)`
          : '';
  const error = run.error === null ? '' : `  error: ${run.error}`;
  return `${run.scheduledAt}  ${run.status.padEnd(9)}  attempts ${run.attempts}  ${took}  by ${run.owner}${keys}${error}`;
}

function stopOnSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.stdout.write(`mlpatterns: ${signal} received, stopping the scheduler\n`);
      close().then(resolve, reject);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
