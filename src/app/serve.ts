import pino, { type Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { ServerMetrics } from '../http/metrics.js';
import { buildServer, type MlServer } from '../http/server.js';
import type { AliasWatcher } from '../serving/alias-watcher.js';
import { ModelRepository } from '../serving/model-repository.js';
import { ServiceRepository } from '../services/service-repository.js';
import { loadModels } from './load-models.js';
import { startPredictionLog } from './start-prediction-log.js';
import type { PredictionLogger } from '../predlog/prediction-logger.js';
import { startServerJobs, type ServerJobs } from './serve-jobs.js';
import { openRegistry, type OpenedRegistry } from './open-registry.js';
import { startSchedules, type RunningSchedules } from '../schedules/start-schedules.js';
import { startServeMonitors } from '../monitoring/serve-monitors.js';

export interface RunningServer {
  readonly url: string;
  readonly server: MlServer;
  readonly repository: ModelRepository;
  readonly watchers: readonly AliasWatcher[];
  /** The services; `replace` swaps them (parameter reload, see reload-services.ts). */
  readonly services: ServiceRepository;
  /** The job queue and the inline worker, if any (docs/jobs.md). */
  readonly jobs: ServerJobs;
  /** Drains in-flight requests, then releases models and stores. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Logger; `false` for none. @default a pino logger at config.server.logLevel */
  readonly logger?: Logger | false;
  /** Run a job worker in this process (`serve --workers-inline`). @default config.queue.inline */
  readonly workersInline?: boolean;
  /** The config file, for schedules whose batch names a service (docs/schedules.md). */
  readonly configPath?: string;
}

const BREAKER_GAUGE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Loads every configured model, then starts the HTTP server (the `serve` command's body). */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger === undefined ? pino({ level: config.server.logLevel }) : options.logger;
  const log = logger || undefined;
  const needsRegistry = config.models.some((m) => m.ref !== undefined);
  const opened: OpenedRegistry | undefined = needsRegistry ? await openRegistry(config.storage) : undefined;
  const repository = new ModelRepository();
  const watchers: AliasWatcher[] = [];
  const metrics = new ServerMetrics();
  let services: ServiceRepository | undefined;
  let jobs: ServerJobs | undefined;
  let predictionLog: PredictionLogger | undefined;
  metrics.trackInFlight(() => repository.names().map((name) => [name, repository.get(name).inFlight]));
  try {
    await loadModels(config.models, { repository, watchers, registry: opened?.registry, log, metrics });
    services = new ServiceRepository(config.services, {
      stateDir: config.storage.stateDir,
      onCache: ({ service, node, result, count }) => metrics.cacheRequests.inc({ service, node, result }, count),
      onLookup: ({ service, node, result, count }) => metrics.lookupRequests.inc({ service, node, result }, count),
      onRemote: ({ target, result }) => metrics.remoteRequests.inc({ target, result }),
      onBreaker: ({ target, state }) => metrics.remoteBreaker.set({ target }, BREAKER_GAUGE[state]),
      onJob: ({ service, status }) => metrics.jobs.inc({ service, status }),
      onShadow: ({ service, node, candidate, result, agreed, disagreed }) => {
        metrics.shadowRequests.inc({ service, node, candidate, result });
        if (agreed) metrics.shadowAgreement.inc({ service, node, candidate, agree: 'true' }, agreed);
        if (disagreed) metrics.shadowAgreement.inc({ service, node, candidate, agree: 'false' }, disagreed);
      },
      onSplit: ({ service, node, variant }) => metrics.splitRequests.inc({ service, node, variant }),
      // Bandit state beside the registry: servers sharing a metadata store share their bandits.
      ...(config.storage.metadata ? { banditStoreUrl: config.storage.metadata } : {}),
      onBanditError: (err) => log?.warn({ err }, 'bandit store failed; serving from the state in memory'),
    });
    predictionLog = startPredictionLog(config, metrics, log);
    jobs = await startServerJobs(config, { repository, services, metrics, log, inline: options.workersInline ?? config.queue.inline });
    const server = await buildServer({ repository, services, logger, metrics, bodyLimit: config.server.bodyLimit, jobs: jobs.api, ...(predictionLog ? { predictionLog } : {}) });
    const address = await server.app.listen({ host: config.server.host, port: config.server.port }).catch(async (err: unknown) => {
      await server.app.close(); // a port already taken must not leave the app's resources behind
      throw err;
    });
    // After listen: a port already taken must not leave a scheduler running. Every process runs one; the store's claims run each tick once.
    const schedules: RunningSchedules | undefined =
      config.schedules.length > 0
        ? await startSchedules(config, { configPath: options.configPath, log }).catch(async (err: unknown) => {
            await server.app.close();
            throw err;
          })
        : undefined;
    // Drift monitors on their crons, results as gauges on /metrics (docs/monitoring.md).
    const monitors = startServeMonitors(config, metrics.registry, log);
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        server.beginShutdown();
        await schedules?.close();
        await monitors?.close();
        await Promise.all(watchers.map((w) => w.close()));
        await server.app.close();
        // After the last request: its records are in the buffer (bounded wait, a sink that is down must not hold shutdown).
        await predictionLog?.close(Math.min(5000, config.server.shutdownGraceMs));
        // Half the grace, so the worker hands its unfinished jobs back before the CLI's forced exit.
        await jobs?.close(Math.floor(config.server.shutdownGraceMs / 2));
        // Before the models go: running multistage jobs still need them (bounded wait, see ServiceRepository.close).
        await services?.close();
        await repository.close();
        await opened?.close();
      })());
    return { url: address, server, repository, watchers, services, jobs, close };
  } catch (err) {
    await Promise.all(watchers.map((w) => w.close()));
    await jobs?.close(0);
    await predictionLog?.close(0);
    await repository.close();
    await services?.close();
    await opened?.close();
    throw err;
  }
}
