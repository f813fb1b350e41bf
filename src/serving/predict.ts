import { MlError, isMlError } from '../errors/ml-error.js';
import { decodePredictRequest, instancesToTensors, tensorsToPredictions } from '../protocol/friendly.js';
import { validateInputs } from '../protocol/validate.js';
import type { Signature } from '../tensor/tensor.js';
import type { InferOptions, InferResult, LoadedModel } from './loaded-model.js';

/** The friendly JSON response of `POST /v1/models/{name}/predict`. */
export interface PredictResponse {
  predictions: unknown[];
  labels?: readonly string[];
  keys?: readonly (string | number)[];
  top_k?: readonly unknown[];
  model: { name: string; version: string };
  signature: string;
  request_id: string;
}

export function pickSignature(model: LoadedModel, requested: string | undefined): Signature {
  const name = requested ?? model.defaultSignature;
  // Own properties only: "constructor" or "toString" must be an unknown signature, not Object.prototype's.
  const sig = Object.hasOwn(model.signatures, name) ? model.signatures[name] : undefined;
  if (!sig) {
    throw new MlError('UNKNOWN_SIGNATURE', { signature: name, expected: Object.keys(model.signatures).join(', ') });
  }
  return sig;
}

/**
 * The outputs a signature promises are missing only when the package is broken
 * (e.g. a post-processing step dropped one): a server fault, not the client's.
 */
function shapePredictions(outputs: InferResult['outputs'], names: readonly string[], model: string): unknown[] {
  try {
    return tensorsToPredictions(outputs, names);
  } catch (err) {
    if (isMlError(err) && err.code === 'UNKNOWN_OUTPUT') {
      throw new MlError('INTERNAL', { reason: `model "${model}" did not return its outputs: ${err.message}` }, { cause: err });
    }
    throw err;
  }
}

/**
 * Friendly predict on one loaded version: decode, convert instances to
 * tensors, validate against the signature, infer, and shape the answer.
 * Keys are passed through in order (keyed predictions).
 */
export async function predict(
  model: LoadedModel,
  body: unknown,
  requestId: string,
  options: Pick<InferOptions, 'deadline' | 'deadlineMs'> = {},
): Promise<PredictResponse> {
  const req = decodePredictRequest(body);
  const signature = pickSignature(model, req.signature);
  const tensors = instancesToTensors(req.instances, signature.inputs);
  validateInputs(tensors, signature);
  const result = await model.infer(tensors, { signature: signature.name, ...options });
  const outputNames = signature.outputs.map((o) => o.name);
  const response: PredictResponse = {
    predictions: shapePredictions(result.outputs, outputNames, model.name),
    model: { name: model.name, version: model.version },
    signature: signature.name,
    request_id: requestId,
  };
  if (result.predictedLabels) response.labels = result.predictedLabels;
  if (req.keys) response.keys = req.keys;
  const topK = result.extras.top_k;
  if (topK) response.top_k = topK;
  return response;
}
