import { MlError } from '../errors/ml-error.js';
import { isJsonObject, jsonTypeName } from '../protocol/format.js';
import { decodePredictRequest } from '../protocol/friendly.js';

/** A `POST /v1/services/{name}/jobs` body, checked: the predict body, plus what the job API adds. */
export interface JobRequest {
  /** The body a predict request would have had (without `key` and `callback_url`). */
  readonly body: Record<string, unknown>;
  readonly key?: string;
  readonly callbackUrl?: string;
}

const MAX_KEY_LENGTH = 256;

/**
 * Checks a job submission the way the predict route checks its body (same
 * error codes), so a job that could never run is refused at once (400) and
 * nothing is enqueued.
 */
export function decodeJobRequest(raw: unknown): JobRequest {
  if (!isJsonObject(raw)) throw new MlError('INVALID_REQUEST', { reason: `the body must be a JSON object, got ${jsonTypeName(raw)}` });
  const { key, callback_url: callbackUrl, ...body } = raw;
  decodePredictRequest(body);
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    throw new MlError('INVALID_REQUEST', { reason: `"key" must be a string of 1 to ${MAX_KEY_LENGTH} characters, got ${jsonTypeName(key)}` });
  }
  if (callbackUrl !== undefined) checkCallbackUrl(callbackUrl);
  return {
    body,
    ...(key !== undefined ? { key } : {}),
    ...(callbackUrl !== undefined ? { callbackUrl } : {}),
  };
}

function checkCallbackUrl(value: unknown): asserts value is string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new MlError('INVALID_REQUEST', { reason: `"callback_url" must be an http or https URL, got ${typeof value === 'string' ? JSON.stringify(value) : jsonTypeName(value)}` });
  }
}
