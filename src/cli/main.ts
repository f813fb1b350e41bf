import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isMlError } from '../errors/ml-error.js';
import { batchCommand } from './commands/batch.js';
import { cacheCommand } from './commands/cache.js';
import { loadtestCommand } from './commands/loadtest.js';
import { logsCommand } from './commands/logs.js';
import { evalCommand } from './commands/eval.js';
import { experimentsCommand } from './commands/experiments.js';
import { modelsCommand } from './commands/models.js';
import { monitorCommand } from './commands/monitor.js';
import { predictCommand } from './commands/predict.js';
import { promoteCommands } from './commands/promote.js';
import { schedulesCommand } from './commands/schedules.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('mlpatterns')
    .description('ML system design patterns as composable building blocks: serve, compose, log, monitor, retrain')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  serveCommand(program);
  modelsCommand(program);
  predictCommand(program);
  cacheCommand(program);
  batchCommand(program);
  schedulesCommand(program);
  workerCommand(program);
  loadtestCommand(program);
  logsCommand(program);
  monitorCommand(program);
  promoteCommands(program);
  evalCommand(program);
  experimentsCommand(program);
  lazyTrainCommand(program);
  return program;
}

/**
 * `train` imports its module (and with it the pipeline runner) only when it
 * runs: the serving commands must never load training code
 * (test/training/serving-isolation.test.ts). Its own parser handles the arguments and --help.
 */
function lazyTrainCommand(program: Command): void {
  program
    .command('train')
    .description('run a training pipeline (pipeline.yaml); also `train runs`, `train show <run>` (see train --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { trainProgram } = await import('./commands/train.js');
      await trainProgram().parseAsync(args, { from: 'user' });
    });
}

/** CLI entry: one-line errors on stderr and a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed usage problems; --help and --version exit 0.
      process.exitCode = err.exitCode;
      return;
    }
    const message = isMlError(err) ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`mlpatterns: ${message}\n`);
    process.exitCode = isMlError(err) && err.status < 500 ? 2 : 1;
  }
}
