import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { reloadServices } from '../../app/reload-services.js';
import { startServer, type RunningServer } from '../../app/serve.js';
import { sanitizeName } from '../../package/read-package.js';
import { runPrimary } from '../../cluster/primary.js';
import { announceListening, shareWorkerMetrics } from '../../cluster/worker.js';
import { loadConfigFile, resolveConfig } from '../../config/load-config.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { parseIntFlag } from '../parse.js';
import { storageFromFlags, withStorageOptions, type StorageFlags } from '../storage-options.js';

interface ServeFlags extends StorageFlags {
  model?: string;
  name?: string;
  labels?: string;
  port?: string;
  host?: string;
  pollInterval?: string;
  threads?: string;
  logLevel?: string;
  maxBatchSize?: string;
  maxBatchDelayUs?: string;
  preferredBatchSizes?: string;
  maxQueue?: string;
  maxConcurrentBatches?: string;
  maxInFlight?: string;
  timeoutMs?: string;
  workers?: string;
  workersInline?: boolean;
}

export function serveCommand(program: Command): void {
  withStorageOptions(
    program
      .command('serve')
      .description('serve models over HTTP (Open Inference Protocol v2 + friendly JSON)')
      .argument('[config]', 'mlpatterns.yaml with several models (default: ./mlpatterns.yaml when no --model)')
      .option('-m, --model <file|dir|ref>', 'a .onnx file, a model package folder, or a registry ref (name@alias, name:version)')
      .option('-n, --name <name>', 'name to serve the --model under')
      .option('--labels <file>', 'class labels JSON for a bare .onnx (list or {"0": "label"})')
      .option('-p, --port <port>', 'port (env PORT)')
      .option('-H, --host <host>', 'host to bind')
      .option('--poll-interval <ms>', 'how often an alias is checked for moves')
      .option('--threads <n>', 'onnxruntime intra-op threads per model')
      .option('--max-batch-size <rows>', 'dynamic batching: largest batch in rows (1 = off); applies to every model')
      .option('--max-batch-delay-us <us>', 'dynamic batching: longest wait of the oldest queued request (default 500)')
      .option('--preferred-batch-sizes <list>', 'dynamic batching: comma-separated batch sizes to prefer')
      .option('--max-queue <rows>', 'dynamic batching: rows that may wait; beyond, 503 at once (default 4096)')
      .option('--max-concurrent-batches <n>', 'dynamic batching: executions at once per model (default 1)')
      .option('--max-in-flight <n>', 'load shedding: requests admitted at once per model; beyond, 503 + Retry-After')
      .option('--timeout-ms <ms>', 'per-request deadline; a request still queued then gets 504')
      .option('-w, --workers <n>', 'worker processes sharing the port (node:cluster); default 1')
      .option('--workers-inline', 'also run a job worker in the server process (as `mlpatterns worker` does; docs/jobs.md)')
      .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent'),
  ).action(async (configPath: string | undefined, flags: ServeFlags) => {
    const config = await buildConfig(configPath, flags); // validated in the primary too: fail fast, once
    const workers = flags.workers === undefined ? 1 : parseIntFlag('--workers', flags.workers);
    if (workers > 1 && cluster.isPrimary) {
      runPrimary({
        workers,
        graceMs: config.server.shutdownGraceMs,
        onReady: (url, models) => process.stdout.write(`mlpatterns serving ${models.join(', ')} on ${url} (${workers} workers)\n`),
        log: (line) => process.stderr.write(`mlpatterns: ${line}\n`),
      });
      return;
    }
    const running = await startServer(config, {
      ...(flags.workersInline ? { workersInline: true } : {}),
      // Schedules whose batch names a service hand the config file to the batch run.
      ...(configPath !== undefined ? { configPath } : existsSync('mlpatterns.yaml') && flags.model === undefined ? { configPath: 'mlpatterns.yaml' } : {}),
    });
    // Models and services, as a client addresses them.
    const names = [...running.repository.names(), ...config.services.map((svc) => `service ${svc.name}`)];
    if (cluster.isWorker) {
      shareWorkerMetrics(running.server.metrics.registry);
      announceListening(running.url, names);
    } else {
      process.stdout.write(`mlpatterns serving ${names.join(', ')} on ${running.url}\n`);
    }
    installSignalHandlers(() => running.close(), config.server.shutdownGraceMs);
    if (configPath !== undefined || existsSync('mlpatterns.yaml')) installReloadHandler(running, config, () => buildConfig(configPath, flags));
  });
}

async function buildConfig(configPath: string | undefined, flags: ServeFlags): Promise<Config> {
  const file = configPath ?? (flags.model === undefined && existsSync('mlpatterns.yaml') ? 'mlpatterns.yaml' : undefined);
  if (file === undefined && flags.model === undefined) {
    throw new Error('nothing to serve: give --model <file|dir|ref> or a config file (mlpatterns.yaml)');
  }
  const base = file ? await loadConfigFile(file) : resolveConfig({ storage: storageFromFlags(flags) });
  const server = {
    ...base.server,
    ...(flags.port !== undefined ? { port: parseIntFlag('--port', flags.port) } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.logLevel !== undefined ? { logLevel: flags.logLevel } : {}),
  };
  const models: NonNullable<ConfigInput['models']> = [...base.models];
  if (flags.model !== undefined) models.push(modelFromFlag(flags));
  const tuned = models.map((m) => withPerformanceFlags(m, flags));
  return resolveConfig({ server, storage: file ? base.storage : storageFromFlags(flags), models: tuned, services: base.services, ...(file ? { queue: base.queue, logging: base.logging } : {}) });
}

type ModelInput = NonNullable<ConfigInput['models']>[number];

/** Batching and limit flags override the config of every served model. */
function withPerformanceFlags(model: ModelInput, flags: ServeFlags): ModelInput {
  const int = (flag: string, v: string | undefined) => (v === undefined ? undefined : parseIntFlag(flag, v));
  const batching = {
    ...model.batching,
    ...defined('maxBatchSize', int('--max-batch-size', flags.maxBatchSize)),
    ...defined('maxQueueDelayUs', int('--max-batch-delay-us', flags.maxBatchDelayUs)),
    ...defined('maxQueueRows', int('--max-queue', flags.maxQueue)),
    ...defined('maxConcurrentBatches', int('--max-concurrent-batches', flags.maxConcurrentBatches)),
    ...defined('preferredBatchSizes', flags.preferredBatchSizes?.split(',').map((v) => parseIntFlag('--preferred-batch-sizes', v.trim()))),
  };
  const limits = {
    ...model.limits,
    ...defined('maxInFlight', int('--max-in-flight', flags.maxInFlight)),
    ...defined('timeoutMs', int('--timeout-ms', flags.timeoutMs)),
  };
  return {
    ...model,
    ...(Object.keys(batching).length > 0 ? { batching } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

/** `--model` is a path when it exists on disk, otherwise a registry reference. */
function modelFromFlag(flags: ServeFlags): NonNullable<ConfigInput['models']>[number] {
  const model = flags.model ?? '';
  const isPath = existsSync(model);
  const refName = model.split(/[@:]/)[0] ?? model;
  return {
    name: flags.name ?? (isPath ? defaultNameFor(model) : refName),
    ...(isPath ? { path: model } : { ref: model }),
    ...(flags.labels ? { labels: flags.labels } : {}),
    ...(flags.pollInterval !== undefined ? { pollIntervalMs: parseIntFlag('--poll-interval', flags.pollInterval) } : {}),
    ...(flags.threads !== undefined ? { session: { intraOpNumThreads: parseIntFlag('--threads', flags.threads) } } : {}),
  };
}

function defaultNameFor(p: string): string {
  return sanitizeName(path.basename(p.replace(/\/+$/, ''), '.onnx'));
}

/**
 * SIGHUP re-reads the config file and applies its services (thresholds, switches,
 * rules, graphs) without a restart; a config that does not validate changes nothing.
 */
function installReloadHandler(running: RunningServer, initial: Config, read: () => Promise<Config>): void {
  let current = initial;
  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    // One reload at a time, in signal order: two quick edits end with the last file applied.
    reloading = reloading.then(async () => {
      try {
        const next = await read();
        const outcome = await reloadServices(running.services, running.repository.names(), next, current);
        current = next;
        process.stdout.write(`mlpatterns: services reloaded (${outcome.services.join(', ') || 'none'})\n`);
        for (const warning of outcome.warnings) process.stderr.write(`mlpatterns: ${warning}\n`);
      } catch (err) {
        process.stderr.write(`mlpatterns: reload refused, still serving the previous services: ${(err as Error).message}\n`);
      }
    });
  });
}

function installSignalHandlers(close: () => Promise<void>, graceMs: number): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stdout.write(`mlpatterns: ${signal} received, draining in-flight requests\n`);
    const force = setTimeout(() => {
      process.stderr.write(`mlpatterns: shutdown grace of ${graceMs} ms exceeded, exiting\n`);
      process.exit(1);
    }, graceMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`mlpatterns: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
