import { loadModels } from '../app/load-models.js';
import { openRegistry, type OpenedRegistry } from '../app/open-registry.js';
import type { Config } from '../config/schema.js';
import type { WorkerDeps } from '../jobs/handlers.js';
import type { AliasWatcher } from '../serving/alias-watcher.js';
import { ModelRepository } from '../serving/model-repository.js';
import { leaseRunner } from '../services/model-runner.js';
import { ServiceRepository } from '../services/service-repository.js';

/** The models and services of the in-process workers of a batch run, loaded as `mlpatterns worker` loads them. */
export async function openWorkerDeps(config: Config): Promise<{ deps: WorkerDeps; close: () => Promise<void> }> {
  const repository = new ModelRepository();
  const watchers: AliasWatcher[] = [];
  const services = new ServiceRepository(config.services, { stateDir: config.storage.stateDir });
  let opened: OpenedRegistry | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(watchers.map((w) => w.close()));
    await services.close();
    await repository.close();
    await opened?.close();
  };
  try {
    if (config.models.some((m) => m.ref !== undefined)) opened = await openRegistry(config.storage);
    await loadModels(config.models, { repository, watchers, registry: opened?.registry });
  } catch (err) {
    await close();
    throw err;
  }
  return { deps: { repository, services, runModel: leaseRunner(repository) }, close };
}
