import { randomUUID } from 'node:crypto';
import { isMlError } from '../errors/ml-error.js';
import { registerJobHandler, type WorkerDeps } from '../jobs/handlers.js';
import type { JobContext } from '../ports/job-queue.js';
import { readPackage } from '../package/read-package.js';
import { loadModel } from '../serving/load-model.js';
import type { LoadedModel } from '../serving/loaded-model.js';
import { predict } from '../serving/predict.js';
import { toNodeValue } from '../services/model-runner.js';
import type { NodeValue } from '../services/node-value.js';

/** The job name of one shard of a batch run. */
export const BATCH_SHARD_JOB = 'batch-shard';

/**
 * One shard's job payload: the rows themselves travel in the job, so a worker
 * on another machine needs only the model (a path it can read) or the service
 * (from its own config), never the input.
 */
export interface ShardPayload {
  readonly runId: string;
  readonly shard: string;
  /** A service of the worker's config, or a model package path / .onnx file. */
  readonly target: { readonly service: string } | { readonly model: string };
  /** `row`: the row's number in the input, for error reports. */
  readonly items: readonly { readonly key: string | number; readonly row: number; readonly instance: unknown }[];
}

/** One shard's job result, aligned with the payload's items; a row the model refused has its error instead. */
export interface ShardResult {
  readonly predictions: unknown[];
  readonly labels?: (string | null)[];
  /** Rows the model refused (4xx), by index in `items`. */
  readonly errors?: { readonly index: number; readonly code: string; readonly message: string }[];
}

type Predictor = (instances: readonly unknown[]) => Promise<NodeValue>;

/**
 * Predicts a whole shard in one call (the model sees a large batch). When the
 * model refuses the batch for a bad input (a 4xx), each row is predicted
 * alone so that one bad row fails only itself.
 */
export async function predictShard(payload: ShardPayload, deps: WorkerDeps | undefined, signal?: AbortSignal): Promise<ShardResult> {
  const predictor = await predictorFor(payload.target, deps);
  const instances = payload.items.map((i) => i.instance);
  try {
    return fromValue(await predictor(instances), instances.length);
  } catch (err) {
    if (!isClientError(err) || instances.length === 1) throw err;
  }
  const predictions: unknown[] = [];
  const labels: (string | null)[] = [];
  const errors: { index: number; code: string; message: string }[] = [];
  let anyLabel = false;
  for (let index = 0; index < instances.length; index++) {
    signal?.throwIfAborted();
    try {
      const value = await predictor([instances[index]]);
      predictions.push(value.rows[0] ?? null);
      labels.push(value.labels?.[0] ?? null);
      anyLabel ||= value.labels !== undefined;
    } catch (err) {
      if (!isClientError(err)) throw err;
      predictions.push(null);
      labels.push(null);
      errors.push({ index, code: err.code, message: err.message });
    }
  }
  return { predictions, ...(anyLabel ? { labels } : {}), errors };
}

function fromValue(value: NodeValue, count: number): ShardResult {
  if (value.rows.length !== count) throw new Error(`the prediction has ${value.rows.length} rows for ${count} instances`);
  return { predictions: [...value.rows], ...(value.labels ? { labels: [...value.labels] } : {}) };
}

function isClientError(err: unknown): err is Error & { code: string } {
  return isMlError(err) && err.status < 500;
}

async function predictorFor(target: ShardPayload['target'], deps: WorkerDeps | undefined): Promise<Predictor> {
  if ('service' in target) {
    if (!deps) throw new Error(`service "${target.service}" needs a worker that serves it (--config)`);
    return (instances) => deps.services.run(target.service, instances, { requestId: randomUUID(), runModel: deps.runModel });
  }
  const model = await loadedModel(target.model);
  return async (instances) => toNodeValue(await predict(model, { instances: [...instances] }, randomUUID()));
}

// Models named by path, loaded once per process and kept: a worker takes many shards of one run.
const models = new Map<string, Promise<LoadedModel>>();

function loadedModel(path: string): Promise<LoadedModel> {
  let model = models.get(path);
  if (!model) {
    model = readPackage(path).then((pkg) => loadModel(pkg));
    models.set(path, model);
    model.catch(() => models.delete(path));
  }
  return model;
}

/** Releases the models loaded for batch shards (end of a `batch run`). */
export async function disposeShardModels(): Promise<void> {
  const loaded = [...models.values()];
  models.clear();
  await Promise.all(loaded.map(async (m) => (await m.catch(() => undefined))?.dispose()));
}

registerJobHandler(BATCH_SHARD_JOB, (ctx: JobContext, deps: WorkerDeps) => predictShard(ctx.job.payload as ShardPayload, deps, ctx.signal));
