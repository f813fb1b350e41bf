import type { InstanceKey } from '../protocol/friendly.js';
import type { NodeValue } from './node-value.js';

/**
 * The body of a service's predict answer, shared by `POST /v1/services/{name}/predict`
 * and the job API's "predict" jobs, so a job's result is what the same request
 * answered synchronously would have been.
 */
export function predictAnswer(service: string, requestId: string, keys: readonly InstanceKey[] | undefined, value: NodeValue): Record<string, unknown> {
  return {
    predictions: value.rows,
    ...(value.labels ? { labels: value.labels } : {}),
    ...(keys ? { keys } : {}),
    ...value.extras,
    service,
    request_id: requestId,
    ...(value.route !== undefined ? { route: value.route } : {}),
    ...(value.variant !== undefined ? { variant: value.variant } : {}),
    ...(value.failed ? { partial: true, failed: value.failed } : {}),
    ...(value.job ? { job_id: value.job.id } : {}),
  };
}
