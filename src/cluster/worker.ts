import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { isMessage, type ListeningMessage, type MetricsRequest, type MetricsResponse } from './messages.js';

/** True in a process forked by `serve --workers N`. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Lets the primary collect this worker's metrics (prom-client's cluster protocol). */
export function shareWorkerMetrics(registry: Registry): void {
  new AggregatorRegistry(); // installs prom-client's worker-side listener
  AggregatorRegistry.setRegistries([registry]);
}

export function announceListening(url: string, models: readonly string[]): void {
  const msg: ListeningMessage = { type: 'mlpatterns:listening', url, models };
  process.send?.(msg);
}

let nextId = 0;

/**
 * Asks the primary for the metrics of every worker, so `/metrics` on any
 * worker shows the whole server rather than the one process that answered.
 */
export function clusterMetrics(timeoutMs = 5000): Promise<{ text: string; contentType: string }> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error(`no metrics from the cluster primary within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: unknown): void => {
      if (!isMessage<MetricsResponse>(msg, 'mlpatterns:metrics-response') || msg.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (msg.error !== undefined || msg.text === undefined) reject(new Error(msg.error ?? 'empty metrics'));
      else resolve({ text: msg.text, contentType: msg.contentType ?? 'text/plain' });
    };
    process.on('message', onMessage);
    const request: MetricsRequest = { type: 'mlpatterns:metrics-request', id };
    process.send?.(request);
  });
}
