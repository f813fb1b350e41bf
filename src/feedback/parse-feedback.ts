import { MlError } from '../errors/ml-error.js';

/** A validated `POST /v1/feedback` body: one target (request id or key), at least one truth. */
export interface FeedbackRequest {
  readonly requestId?: string;
  readonly key?: string;
  readonly label?: string | number | boolean;
  readonly value?: number;
  readonly reward?: number;
  /** Narrows which logged prediction is joined (a key shared by several models or services). */
  readonly model?: string;
  readonly service?: string;
}

const FIELDS = new Set(['request_id', 'key', 'label', 'value', 'reward', 'model', 'service']);

const invalid = (reason: string): MlError => new MlError('INVALID_REQUEST', { reason });

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw invalid(`"${field}" must be a non-empty string`);
  return v;
}

function optionalFinite(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`"${field}" must be a finite number`);
  return v;
}

/** Checks the body; every mistake is a 400 INVALID_REQUEST naming the field. */
export function parseFeedback(body: unknown): FeedbackRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw invalid(`unknown field "${unknown[0]}" (fields: ${[...FIELDS].join(', ')})`);
  const requestId = optionalString(b, 'request_id');
  // Keys are sent as strings or numbers with predictions; the log compares them as strings.
  const rawKey = b.key;
  if (rawKey !== undefined && !(typeof rawKey === 'string' && rawKey.length > 0) && !(typeof rawKey === 'number' && Number.isFinite(rawKey))) {
    throw invalid('"key" must be a non-empty string or a number');
  }
  const key = rawKey === undefined ? undefined : String(rawKey);
  if ((requestId === undefined) === (key === undefined)) throw invalid('give exactly one of "request_id" and "key"');
  const label = b.label;
  if (label !== undefined && !(typeof label === 'string' || typeof label === 'boolean' || (typeof label === 'number' && Number.isFinite(label)))) {
    throw invalid('"label" must be a string, a finite number or a boolean');
  }
  const value = optionalFinite(b, 'value');
  const reward = optionalFinite(b, 'reward');
  if (label === undefined && value === undefined && reward === undefined) throw invalid('give at least one of "label", "value" and "reward"');
  const model = optionalString(b, 'model');
  const service = optionalString(b, 'service');
  return {
    ...(requestId !== undefined ? { requestId } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(reward !== undefined ? { reward } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(service !== undefined ? { service } : {}),
  };
}
