import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { loadModels } from '../../app/load-models.js';
import { openQueue } from '../../app/open-queue.js';
import { openRegistry, type OpenedRegistry } from '../../app/open-registry.js';
import { loadConfigFile } from '../../config/load-config.js';
import { DEFAULT_JOB_QUEUE, startJobWorker } from '../../jobs/job-worker.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { AliasWatcher } from '../../serving/alias-watcher.js';
import { ModelRepository } from '../../serving/model-repository.js';
import { leaseRunner } from '../../services/model-runner.js';
import { ServiceRepository } from '../../services/service-repository.js';
import { parseIntFlag } from '../parse.js';

interface WorkerFlags {
  concurrency?: string;
  queue: string;
  logLevel?: string;
}

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs (the job API, batch runs) with the config\'s models and services (docs/jobs.md)')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('-c, --concurrency <n>', 'jobs run at once (default: queue.concurrency of the config, else 1)')
    .option('-q, --queue <name>', 'the queue to take jobs from', DEFAULT_JOB_QUEUE)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .action(async (configPath: string | undefined, flags: WorkerFlags) => {
      const file = configPath ?? 'mlpatterns.yaml';
      if (configPath === undefined && !existsSync(file)) throw new Error('no config: give a config file (mlpatterns.yaml) with the models and services the jobs use');
      await runWorker(file, flags);
    });
}

/** Loads models and services as `serve` does, then takes jobs until SIGTERM/SIGINT. */
async function runWorker(file: string, flags: WorkerFlags): Promise<void> {
  const config = await loadConfigFile(file);
  const concurrency = flags.concurrency === undefined ? config.queue.concurrency : parseIntFlag('--concurrency', flags.concurrency);
  if (concurrency < 1) throw new Error('--concurrency must be at least 1');
  const log = pino({ level: flags.logLevel ?? config.server.logLevel });
  const repository = new ModelRepository();
  const watchers: AliasWatcher[] = [];
  const services = new ServiceRepository(config.services, { stateDir: config.storage.stateDir });
  let opened: OpenedRegistry | undefined;
  let queue: JobQueue | undefined;
  const release = async (): Promise<void> => {
    await Promise.all(watchers.map((w) => w.close()));
    await queue?.close();
    await services.close();
    await repository.close();
    await opened?.close();
  };
  try {
    if (config.models.some((m) => m.ref !== undefined)) opened = await openRegistry(config.storage);
    await loadModels(config.models, { repository, watchers, registry: opened?.registry, log });
    queue = await openQueue(config);
  } catch (err) {
    await release();
    throw err;
  }
  process.stdout.write(`mlpatterns worker ready (concurrency ${concurrency}, queue ${config.queue.store})\n`);
  const worker = startJobWorker({
    queue,
    deps: { repository, services, runModel: leaseRunner(repository) },
    queueName: flags.queue,
    concurrency,
    leaseMs: config.queue.leaseMs,
    jobTimeoutMs: config.queue.jobTimeoutMs,
    log,
  });

  const graceMs = config.server.shutdownGraceMs;
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stdout.write(`mlpatterns worker: ${signal} received, finishing running jobs (up to ${graceMs} ms; the rest go back to the queue)\n`);
    // The worker hands unfinished jobs back at the end of the grace; this only guards against a hang after that.
    const force = setTimeout(() => {
      process.stderr.write('mlpatterns worker: shutdown did not complete, exiting\n');
      process.exit(1);
    }, graceMs + 10_000);
    force.unref();
    worker
      .close(graceMs)
      .then(release)
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`mlpatterns worker: shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
