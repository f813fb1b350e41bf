import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { MlError } from '../../errors/ml-error.js';
import { openTrainingRunStore } from '../../adapters/open-training-run-store.js';
import type { PipelineStorageSettings } from '../../pipelines/definition.js';
import { loadPipeline } from '../../pipelines/load-pipeline.js';
import { parseParamFlags } from '../../pipelines/params.js';
import { runPipeline } from '../../pipelines/runner/run-pipeline.js';
import { resolveStorage } from '../../pipelines/runner/run-stores.js';
import { progressView } from '../../pipelines/view/progress-view.js';
import { formatRunDetails, formatRunList } from '../../pipelines/view/run-details.js';
import { formatSummary } from '../../pipelines/view/summary.js';
import type { TrainingRunStatus } from '../../ports/training-run-store.js';
import { collect, parseIntFlag } from '../parse.js';

/**
 * `mlpatterns train …` (docs/training-pipelines.md). src/cli/main.ts imports
 * this module only when the first argument is `train`, so the serving commands
 * never load the pipeline runner (test/training/serving-isolation.test.ts).
 */

interface StorageFlags {
  stateDir?: string;
  metadata?: string;
  artifacts?: string;
}

interface RunFlags extends StorageFlags {
  param: string[];
  resume?: string;
  concurrency?: string;
  json?: boolean;
}

/** Exit codes of a run: 0 succeeded, 1 failed, 3 rejected by a gate, 130 cancelled (2: a bad pipeline file, from main). */
export const EXIT_CODES: Readonly<Record<TrainingRunStatus, number>> = { succeeded: 0, running: 1, failed: 1, rejected: 3, cancelled: 130 };

function withStorage(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', 'state directory (beats the pipeline\'s storage.stateDir; env MLPATTERNS_STATE_DIR; default .mlpatterns)')
    .option('--metadata <url>', 'metadata store: a SQLite path or postgres://… (env MLPATTERNS_METADATA_URL)')
    .option('--artifacts <dir>', 'artifact store folder (env MLPATTERNS_ARTIFACTS_URL)');
}

function storageFlags(flags: StorageFlags): PipelineStorageSettings {
  return { stateDir: flags.stateDir, metadata: flags.metadata, artifacts: flags.artifacts };
}

/** The `train` command with its `runs` and `show` subcommands, parsed on its own (main.ts hands it the arguments). */
export function trainProgram(): Command {
  const train = withStorage(
    new Command('mlpatterns train')
      .description('run a training pipeline: steps reused from cache, retried, resumable, run in parallel')
      .argument('<pipeline>', 'pipeline.yaml')
      .option('-p, --param <name=value>', 'set a pipeline parameter (repeatable)', collect, [])
      .option('--resume <run>', 'continue a failed run: its succeeded steps are reused, the rest run')
      .option('--concurrency <n>', 'most steps running at once (default: the number of CPU cores)')
      .option('--json', 'print the run summary as JSON on stdout (progress goes to stderr)'),
  )
    // The subcommands repeat the storage flags: they must not be taken by `train` itself.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(run mlpatterns train --help for usage)')
    .action((file: string, flags: RunFlags) => runCommand(file, flags));
  withStorage(
    train
      .command('runs')
      .description('training runs, newest first')
      .option('--pipeline <name-or-file>', 'only runs of this pipeline (a name, or a pipeline.yaml whose storage is used)')
      .option('-l, --limit <n>', 'runs to show', '20')
      .option('--json', 'one JSON object per run'),
  ).action((flags: StorageFlags & { pipeline?: string; limit: string; json?: boolean }) => listRuns(flags));
  withStorage(
    train
      .command('show')
      .description('one run: its steps, outputs, metrics, errors and log tails')
      .argument('<run>', 'run id')
      .option('--pipeline <file>', 'a pipeline.yaml whose storage holds the run')
      .option('--json', 'the run and its steps as JSON'),
  ).action((id: string, flags: StorageFlags & { pipeline?: string; json?: boolean }) => showRun(id, flags));
  return train;
}

async function runCommand(file: string, flags: RunFlags): Promise<void> {
  const concurrency = flags.concurrency === undefined ? undefined : parseIntFlag('--concurrency', flags.concurrency);
  if (concurrency === 0) throw new MlError('INVALID_REQUEST', { reason: '--concurrency must be at least 1' });
  const params = parseParamFlags(flags.param);
  const definition = await loadPipeline(file);
  const out = flags.json ? process.stderr : process.stdout;
  const view = progressView(out);
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) process.exit(EXIT_CODES.cancelled);
    process.stderr.write(`\nmlpatterns: ${signal}: stopping the running steps (again to quit at once)\n`);
    cancel.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runPipeline(definition, {
      params,
      resume: flags.resume,
      concurrency,
      storage: storageFlags(flags),
      signal: cancel.signal,
      onEvent: (event) => view.onEvent(event),
    });
    view.close();
    out.write(formatSummary(result.run, result.steps, { pipelineArg: file }));
    if (flags.json) process.stdout.write(`${JSON.stringify({ run: result.run, steps: result.steps }, null, 2)}\n`);
    process.exitCode = EXIT_CODES[result.run.status];
  } finally {
    view.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The store of `--pipeline file.yaml`'s storage (when it names a file), else of the flags and environment. */
async function storeFor(flags: StorageFlags & { pipeline?: string }): Promise<{ store: Awaited<ReturnType<typeof openTrainingRunStore>>; pipeline: string | undefined }> {
  let pipeline = flags.pipeline;
  let fromFile: PipelineStorageSettings | undefined;
  if (pipeline !== undefined && /\.ya?ml$/i.test(pipeline) && existsSync(pipeline)) {
    const definition = await loadPipeline(pipeline);
    pipeline = definition.name;
    fromFile = definition.storage;
  }
  const storage = resolveStorage(storageFlags(flags), fromFile);
  return { store: await openTrainingRunStore(storage.metadata ?? path.join(storage.stateDir, 'mlpatterns.db')), pipeline };
}

async function listRuns(flags: StorageFlags & { pipeline?: string; limit: string; json?: boolean }): Promise<void> {
  const limit = Math.max(1, parseIntFlag('--limit', flags.limit));
  const { store, pipeline } = await storeFor(flags);
  try {
    const runs = await store.listRuns({ pipeline, limit });
    if (flags.json) for (const run of runs) process.stdout.write(`${JSON.stringify(run)}\n`);
    else process.stdout.write(formatRunList(runs));
  } finally {
    await store.close();
  }
}

async function showRun(id: string, flags: StorageFlags & { pipeline?: string; json?: boolean }): Promise<void> {
  const { store } = await storeFor(flags);
  try {
    const run = await store.getRun(id);
    if (run === undefined) throw new MlError('TRAINING_RUN_NOT_FOUND', { id });
    const steps = await store.listSteps(id);
    process.stdout.write(flags.json ? `${JSON.stringify({ run, steps }, null, 2)}\n` : formatRunDetails(run, steps));
  } finally {
    await store.close();
  }
}
