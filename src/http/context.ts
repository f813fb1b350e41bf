import type { ModelRepository } from '../serving/model-repository.js';
import type { ServiceRepository } from '../services/service-repository.js';
import type { ServerMetrics } from './metrics.js';
import type { JobApiOptions } from '../jobs/job-api-options.js';
import type { PredictionLogger } from '../predlog/prediction-logger.js';

/** What route plugins need from the server; built once in buildServer. */
export interface ServerContext {
  readonly repository: ModelRepository;
  readonly services: ServiceRepository;
  readonly metrics: ServerMetrics;
  /** The job queue behind `POST /v1/services/{name}/jobs`; absent: that route answers 503. */
  readonly jobs?: JobApiOptions | undefined;
  /** Where every prediction is recorded (docs/prediction-log.md); absent: nothing is logged. */
  readonly predictionLog?: PredictionLogger | undefined;
  /** True from the moment shutdown starts: readiness turns false. */
  readonly isShuttingDown: () => boolean;
}
