import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type RegistryContentType } from 'prom-client';
import { isMessage, type ListeningMessage, type MetricsRequest, type MetricsResponse } from './messages.js';

export interface ClusterOptions {
  readonly workers: number;
  /** Grace for workers to drain on SIGTERM before they are killed. */
  readonly graceMs: number;
  /** Called once every worker listens. */
  readonly onReady: (url: string, models: readonly string[]) => void;
  readonly log: (line: string) => void;
}

/**
 * The primary of `serve --workers N`: forks N server processes that share the
 * port (node:cluster hands connections round-robin), replaces a worker that
 * dies, answers workers' requests for cluster-wide metrics, and on SIGTERM
 * lets every worker drain before exiting.
 */
export function runPrimary(options: ClusterOptions): void {
  const aggregator = new AggregatorRegistry();
  let listening = 0;
  let stopping = false;

  const started = new WeakSet<Worker>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (msg: unknown) => {
      if (isMessage<ListeningMessage>(msg, 'mlpatterns:listening')) {
        started.add(worker);
        listening++;
        if (listening === options.workers) options.onReady(msg.url, msg.models);
      } else if (isMessage<MetricsRequest>(msg, 'mlpatterns:metrics-request')) {
        void answerMetrics(aggregator, worker, msg.id);
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!started.has(worker)) {
      // It failed before serving (bad model, port taken): a replacement would fail the same way.
      options.log(`worker ${worker.process.pid} failed to start (${signal ?? code}); stopping`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    options.log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`);
    fork();
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.log(`${signal} received, draining ${Object.keys(cluster.workers ?? {}).length} workers`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const force = setTimeout(() => {
      for (const w of workers) w.process.kill('SIGKILL');
    }, options.graceMs + 1000);
    force.unref();
    let alive = workers.length;
    if (alive === 0) process.exit(0);
    for (const w of workers) {
      w.once('exit', () => {
        alive--;
        if (alive === 0) process.exit(0);
      });
      w.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Parameter reload: every worker re-reads the config file itself.
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });

  for (let i = 0; i < options.workers; i++) fork();
}

async function answerMetrics(aggregator: AggregatorRegistry<RegistryContentType>, worker: Worker, id: number): Promise<void> {
  let response: MetricsResponse;
  try {
    const text = await aggregator.clusterMetrics();
    response = { type: 'mlpatterns:metrics-response', id, text, contentType: aggregator.contentType };
  } catch (err) {
    response = { type: 'mlpatterns:metrics-response', id, error: err instanceof Error ? err.message : String(err) };
  }
  worker.send(response);
}
