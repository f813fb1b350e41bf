import type { Logger } from 'pino';
import { DEFAULT_BATCHING, type ModelEntry } from '../config/schema.js';
import { readPackage } from '../package/read-package.js';
import type { Registry } from '../registry/registry.js';
import type { ServerMetrics } from '../http/metrics.js';
import { AliasWatcher } from '../serving/alias-watcher.js';
import { loadModel } from '../serving/load-model.js';
import type { LoadedModel } from '../serving/loaded-model.js';
import { ModelHost } from '../serving/model-host.js';

export interface HostedEntry {
  readonly host: ModelHost;
  readonly watcher?: AliasWatcher;
}

/** Loads one configured model: from a path, or from the registry (following its alias). */
export async function loadEntry(
  entry: ModelEntry,
  registry: Registry | undefined,
  logger: Pick<Logger, 'info' | 'error'> | undefined,
  metrics?: ServerMetrics,
): Promise<HostedEntry> {
  const hostOptions = {
    onDisposeError: (err: unknown, model: LoadedModel): void =>
      logger?.error({ err, model: model.name, version: model.version }, 'disposing a drained version failed'),
    ...(entry.limits ? { limits: entry.limits } : {}),
    ...(metrics ? { onReject: (reason: string) => metrics.rejected.inc({ model: entry.name, reason }) } : {}),
  };
  const modelOptions = {
    name: entry.name,
    ...(entry.session ? { session: entry.session } : {}),
    batching: entry.batching ?? DEFAULT_BATCHING,
    ...(metrics ? { observer: (version: string) => metrics.batchObserver(entry.name, version) } : {}),
  };

  if (entry.path !== undefined) {
    const pkg = await readPackage(entry.path, { name: entry.name, ...(entry.labels ? { labelsFile: entry.labels } : {}) });
    const model = await loadModel(pkg, modelOptions);
    return { host: new ModelHost(model, hostOptions) };
  }

  const ref = entry.ref ?? '';
  if (!registry) throw new Error(`model "${entry.name}": a registry reference needs a metadata store`);
  const resolveNow = async () => {
    const version = await registry.resolve(ref);
    return {
      key: `${version.name}:${version.version}:${version.digest}`,
      load: async () => {
        const pkg = await readPackage(version.localPath, { name: entry.name, ...(entry.labels ? { labelsFile: entry.labels } : {}) });
        return loadModel(pkg, { ...modelOptions, version: String(version.version) });
      },
    };
  };
  const first = await resolveNow();
  const host = new ModelHost(await first.load(), hostOptions);
  // A pinned version (name:3) never moves; aliases and bare names are followed.
  const pinned = /:[^@]+$/.test(ref) && !ref.includes('@');
  const interval = entry.pollIntervalMs ?? 2000;
  if (pinned || interval === 0) return { host };
  const watcher = new AliasWatcher(entry.name, host, { current: resolveNow }, first.key, {
    intervalMs: interval,
    ...(logger ? { logger } : {}),
  });
  return { host, watcher };
}
