import { decodePredictRequest } from '../protocol/friendly.js';
import { requestAttributes } from '../services/condition.js';
import { predictAnswer } from '../services/predict-answer.js';
import { registerJobHandler } from './handlers.js';

/** Job name of the job API's jobs (`POST /v1/services/{name}/jobs`). */
export const PREDICT_JOB = 'predict';

/** What a "predict" job carries: the request as `POST /v1/services/{name}/predict` would have received it. */
export interface PredictJobPayload {
  readonly service: string;
  /** The predict body: `instances`, `keys?` and any fields condition rules read. */
  readonly body: Record<string, unknown>;
  /** The submitting request's id: the job's logs and result carry it. */
  readonly request_id: string;
}

/**
 * Runs the service on the job's instances, exactly as the synchronous predict
 * route does, and answers with the same fields. An input the service refuses
 * (an MlError with a 4xx status) fails the job without retries (see dispatch.ts).
 */
registerJobHandler(PREDICT_JOB, async ({ job }, deps) => {
  const { service, body, request_id: requestId } = job.payload as PredictJobPayload;
  const request = decodePredictRequest(body);
  // Headers do not travel with a job: condition rules see only the body's fields.
  const value = await deps.services.run(service, request.instances, { requestId, runModel: deps.runModel, request: requestAttributes({}, body), keys: request.keys });
  return predictAnswer(service, requestId, request.keys, value);
});
