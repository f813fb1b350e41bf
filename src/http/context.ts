import type { ModelRepository } from '../serving/model-repository.js';
import type { ServiceRepository } from '../services/service-repository.js';
import type { ServerMetrics } from './metrics.js';

/** What route plugins need from the server; built once in buildServer. */
export interface ServerContext {
  readonly repository: ModelRepository;
  readonly services: ServiceRepository;
  readonly metrics: ServerMetrics;
  /** True from the moment shutdown starts: readiness turns false. */
  readonly isShuttingDown: () => boolean;
}
