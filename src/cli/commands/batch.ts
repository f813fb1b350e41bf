import path from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load-config.js';
import { progressLine, summaryLine } from '../../batch/format.js';
import { runBatch, type BatchOptions, type BatchProgress } from '../../batch/run-batch.js';
import { readRunStatus } from '../../batch/run-status.js';
import { parseIntFlag } from '../parse.js';

interface RunFlags {
  service?: string;
  model?: string;
  input: string;
  key: string;
  output?: string;
  whereNull?: string;
  features?: string;
  shardSize?: string;
  workers?: string;
  queue?: string;
  queueName?: string;
  errors?: string;
  runId?: string;
  config?: string;
  stateDir?: string;
}

interface StatusFlags {
  config?: string;
  stateDir?: string;
  json?: boolean;
}

export function batchCommand(program: Command): void {
  const batch = program.command('batch').description('batch predictions over a file or table, sharded on the job queue (docs/batch.md)');
  batch
    .command('run')
    .description('predict every row of the input and write one prediction per key (resumable: run again to continue)')
    .option('--service <name>', 'a service of the config')
    .option('--model <file|dir|ref>', 'a .onnx file, a package folder or a registry ref (name@alias)')
    .requiredOption('--input <location>', 'file.csv | file.jsonl | file.parquet | postgres://…?table=T | sqlite:<path>?table=T')
    .requiredOption('--key <column>', 'the column that keys each row')
    .option('--output <location>', 'file.jsonl | file.csv | sqlite:<path>?table=T | postgres://…?table=T')
    .option('--where-null <column>', 'null mode: predict the rows whose <column> IS NULL and write the prediction there')
    .option('--features <columns>', 'feature columns, comma-separated, in order (default: every column but the key)')
    .option('--shard-size <n>', 'rows per shard (one queue job each)', '1000')
    .option('--workers <n>', 'shards predicted at once in this process (0: only `mlpatterns worker` processes)', '2')
    .option('--queue <sqlite|redis://…>', 'the job queue (default: the config\'s queue, else sqlite in the state dir)')
    .option('--queue-name <name>', 'queue name; `mlpatterns worker -q <name>` processes take its shards', 'batch')
    .option('--errors <file>', 'error report, JSON Lines (default: <output>.errors.jsonl)')
    .option('--run-id <id>', 'run id (default: derived from input, output, model/service and key)')
    .option('--config <file>', 'mlpatterns.yaml: services, models, queue and state dir')
    .option('--state-dir <dir>', 'state dir for the runs table and the embedded queue (default: the config\'s, else .mlpatterns)')
    .action(async (flags: RunFlags) => {
      if ((flags.service === undefined) === (flags.model === undefined)) throw new Error('give exactly one of --service or --model');
      const options: BatchOptions = {
        target: flags.service !== undefined ? { service: flags.service } : { model: flags.model as string },
        input: flags.input,
        key: flags.key,
        ...(flags.output !== undefined ? { output: flags.output } : {}),
        ...(flags.whereNull !== undefined ? { whereNull: flags.whereNull } : {}),
        ...(flags.features !== undefined ? { features: flags.features.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
        shardSize: parseIntFlag('--shard-size', flags.shardSize ?? '1000'),
        workers: parseIntFlag('--workers', flags.workers ?? '2'),
        ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
        ...(flags.queueName !== undefined ? { queueName: flags.queueName } : {}),
        ...(flags.errors !== undefined ? { errors: flags.errors } : {}),
        ...(flags.runId !== undefined ? { runId: flags.runId } : {}),
        ...(flags.config !== undefined ? { config: flags.config } : {}),
        ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
      };
      const progress = progressWriter(process.stderr);
      const controller = new AbortController();
      // Ctrl-C stops reading and waiting; queued shards stay queued for the next `batch run`.
      const onSigint = (): void => controller.abort(new Error('interrupted: run the same command again to continue'));
      process.once('SIGINT', onSigint);
      try {
        const summary = await runBatch(options, { onProgress: progress.update, signal: controller.signal });
        progress.done();
        process.stdout.write(`${summaryLine(summary)}\n`);
        if (summary.status === 'failed') process.exitCode = 1;
      } finally {
        progress.done();
        process.off('SIGINT', onSigint);
      }
    });
  batch
    .command('status')
    .description('shards done/total, rows, errors and state of a run')
    .argument('<run-id>')
    .option('--config <file>', 'mlpatterns.yaml (for its state dir)')
    .option('--state-dir <dir>', 'state dir (default: the config\'s, else .mlpatterns)')
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: StatusFlags) => {
      const stateDir = flags.stateDir ?? (flags.config ? (await loadConfigFile(flags.config)).storage.stateDir : '.mlpatterns');
      const status = readRunStatus(path.resolve(stateDir), runId);
      if (!status) throw new Error(`no batch run "${runId}" in ${path.resolve(stateDir)}`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const lines = [
        `run ${status.runId}: ${status.state}`,
        `shards: ${status.shardsDone}/${status.shards} done, ${status.shardsQueued} queued, ${status.shardsFailed} failed`,
        `rows: ${status.rows} read, ${status.keysWritten} keys written, ${status.malformedRows} malformed`,
        `output: ${status.output}`,
        `errors: ${status.errorFile}`,
        `started ${status.createdAt}, updated ${status.updatedAt}${status.finishedAt ? `, finished ${status.finishedAt}` : ''}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** Redraws one line on a terminal; prints plain lines when stderr is a file or a pipe. */
function progressWriter(stream: NodeJS.WriteStream): { update: (p: BatchProgress) => void; done: () => void } {
  let drawn = false;
  return {
    update: (p) => {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${progressLine(p)}`);
        drawn = true;
      } else {
        stream.write(`${progressLine(p)}\n`);
      }
    },
    done: () => {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
