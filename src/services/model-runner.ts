import type { ModelRepository } from '../serving/model-repository.js';
import { predict } from '../serving/predict.js';
import type { ModelCall, ModelRunner } from './run-context.js';
import type { NodeValue } from './node-value.js';

/**
 * A model runner for the TypeScript API: each call holds a lease on the model's
 * current version (so an alias move drains instead of failing it) and goes
 * through the same friendly predict as `POST /v1/models/{name}/predict`.
 */
export function leaseRunner(repository: ModelRepository): ModelRunner {
  const run = async (call: ModelCall): Promise<NodeValue> => {
    const host = repository.get(call.model);
    const lease = host.acquire();
    try {
      const timeoutMs = host.limits?.timeoutMs ?? 0;
      const deadline = timeoutMs > 0 ? { deadline: performance.now() + timeoutMs, deadlineMs: timeoutMs } : {};
      const res = await predict(lease.model, modelBody(call), call.requestId, deadline);
      return toNodeValue(res);
    } finally {
      lease.release();
    }
  };
  return Object.assign(run, { versionOf: currentVersion(repository) });
}

/** The version each served model runs now (what prediction caches key on). */
export function currentVersion(repository: ModelRepository): (model: string) => string {
  return (model) => repository.get(model).current.version;
}

/** The friendly request body a graph sends to a model. */
export function modelBody(call: ModelCall): { instances: unknown[]; signature?: string } {
  return { instances: [...call.instances], ...(call.signature !== undefined ? { signature: call.signature } : {}) };
}

export function toNodeValue(res: { predictions: unknown[]; labels?: readonly string[]; top_k?: readonly unknown[] }): NodeValue {
  return {
    rows: res.predictions,
    ...(res.labels ? { labels: res.labels } : {}),
    ...(res.top_k ? { extras: { top_k: res.top_k } } : {}),
  };
}
