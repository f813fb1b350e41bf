/**
 * The TypeScript API of mlpatterns (serving side). Training lives on its own
 * entry point, `mlpatterns/training`, so it never enters a server's import graph.
 */
export { startServer, type RunningServer, type StartOptions } from './app/serve.js';
export { openRegistry, type OpenedRegistry } from './app/open-registry.js';
export { validatePackage } from './app/validate-package.js';
export { loadConfigFile, resolveConfig } from './config/load-config.js';
export type { Config, ConfigInput, ModelEntry, SessionOptions } from './config/schema.js';
export { ERROR_CODES, type ErrorCode } from './errors/codes.js';
export { MlError, isMlError, toMlError } from './errors/ml-error.js';
export { buildServer, type BuildServerOptions, type MlServer } from './http/server.js';
export { ServerMetrics } from './http/metrics.js';
export { manifestSchema, type Manifest, type ManifestInput } from './package/manifest.js';
export { readPackage, type ModelPackage } from './package/read-package.js';
export * from './registry/index.js';
export { openArtifactStore, openMetadataStore } from './adapters/open-stores.js';
export type { ArtifactStore } from './ports/artifact-store.js';
export type { MetadataStore } from './ports/metadata-store.js';
export type { JobError, JobRecord, JobResult, JobStatus, JobStore, JobStoreLimits, NewJob } from './ports/job-store.js';
export { MemoryJobStore } from './adapters/memory/job-store.js';
export { JOB_STATUSES } from './ports/job-queue.js';
export type {
  EnqueueOptions,
  EnqueueResult,
  JobContext,
  JobHandler,
  JobQueue,
  JobQueueOptions,
  QueueJob,
  QueueJobError,
  QueueJobStatus,
  QueueWorker,
  WorkerEvent,
  WorkOptions,
} from './ports/job-queue.js';
export { SqliteJobQueue, type SqliteJobQueueOptions } from './adapters/sqlite/job-queue.js';
export { runBatch, type BatchOptions, type BatchProgress, type BatchSummary, type BatchTarget, type RunBatchHooks } from './batch/run-batch.js';
export { Scheduler, type RunScheduledJob, type ScheduledJobContext, type ScheduleEvent, type SchedulerOptions, type TickResult } from './schedules/scheduler.js';
export { startSchedules, type RunningSchedules, type StartSchedulesOptions } from './schedules/start-schedules.js';
export type { ScheduleEntry } from './schedules/schema.js';
export { openScheduleStore } from './adapters/open-schedule-store.js';
export type { ClaimResult, ScheduleRun, ScheduleRunStatus, ScheduleStore } from './ports/schedule-store.js';
export { BullJobQueue, type BullJobQueueOptions } from './adapters/redis/job-queue.js';
export { openQueue } from './app/open-queue.js';
export { DEFAULT_JOB_QUEUE, startJobWorker, type JobWorker, type JobWorkerOptions } from './jobs/job-worker.js';
export { JOB_HANDLERS, registerJobHandler, type NamedJobHandler, type WorkerDeps } from './jobs/handlers.js';
export { defineFunctionModel, loadFunctionModel } from './runtime/function/index.js';
export { loadOnnxModel } from './runtime/onnx/index.js';
export type { RunOptions, ServingFunction } from './runtime/serving-function.js';
export { GraphBuilder, mlp } from './onnx/writer/index.js';
export { loadModel, type LoadModelOptions } from './serving/load-model.js';
export type { InferOptions, InferResult, LoadedModel } from './serving/loaded-model.js';
export { ModelHost, type ModelLease } from './serving/model-host.js';
export { ModelRepository } from './serving/model-repository.js';
export { predict, type PredictResponse } from './serving/predict.js';
export * from './services/index.js';
export type { DType, NamedTensors, Signature, Tensor, TensorSpec } from './tensor/tensor.js';
export * as stats from './stats/index.js';
export * as loadtest from './loadtest/index.js';
export * as monitoring from './monitoring/index.js';
