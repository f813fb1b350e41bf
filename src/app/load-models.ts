import type { Logger } from 'pino';
import type { ModelEntry } from '../config/schema.js';
import type { ServerMetrics } from '../http/metrics.js';
import type { Registry } from '../registry/registry.js';
import type { AliasWatcher } from '../serving/alias-watcher.js';
import type { ModelRepository } from '../serving/model-repository.js';
import { loadEntry } from './load-entry.js';

export interface LoadModelsTarget {
  /** Each loaded model is added here under its configured name. */
  readonly repository: ModelRepository;
  /** Each alias watcher started is pushed here (the caller closes them). */
  readonly watchers: AliasWatcher[];
  /** Needed when an entry is a registry reference. */
  readonly registry?: Registry | undefined;
  readonly log?: Pick<Logger, 'info' | 'error'> | undefined;
  readonly metrics?: ServerMetrics | undefined;
}

/**
 * Loads configured models one by one into a repository: the server's start-up
 * and `mlpatterns cache warm` (which loads only the models a cache node needs).
 * On failure what was loaded stays in the repository and watchers, for the
 * caller's usual cleanup.
 */
export async function loadModels(entries: readonly ModelEntry[], target: LoadModelsTarget): Promise<void> {
  for (const entry of entries) {
    const { host, watcher } = await loadEntry(entry, target.registry, target.log, target.metrics);
    target.repository.add(entry.name, host);
    if (watcher) target.watchers.push(watcher);
    target.log?.info({ model: entry.name, version: host.current.version, source: entry.path ?? entry.ref }, 'model loaded');
  }
}
