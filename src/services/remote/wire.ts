import { ERROR_CODES, type ErrorCode } from '../../errors/codes.js';
import { MlError } from '../../errors/ml-error.js';
import type { NodeValue } from '../node-value.js';
import type { RemoteNode } from '../schema.js';
import { retryAfterMs } from './backoff.js';

/**
 * One attempt's outcome. `retry` when another attempt may help (network error,
 * 502/503/504); `remoteUp` tells the breaker whether the remote was answering.
 */
export type Attempt =
  | { readonly value: NodeValue; readonly retry?: false }
  | { readonly error: MlError; readonly remoteUp: boolean; readonly retry?: false }
  | RetryAttempt;
export type RetryAttempt = { readonly reason: string; readonly retry: true; readonly waitMs?: number };

/** One HTTP request of an attempt; `path` is appended to the node URL's own path. */
export interface WireRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** The remote's answer to one request, whatever its status. */
export interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Sends one request within the attempt's budget; a network failure or the budget running out is a retry. */
export type Send = (request: WireRequest) => Promise<Exchange | RetryAttempt>;

/**
 * A wire format: how a `remote` node's instances become HTTP requests and the
 * answer becomes the node's value. Retries, the budget, the breaker and the
 * metrics are the client's and the same for every format.
 */
export interface WireFormat {
  /** The breaker's key and the metrics label, e.g. "http://pred:8080/v1/models/iris". */
  target(node: RemoteNode): string;
  /**
   * Checks the instances, once per call and before anything is sent (throws a
   * 4xx MlError), and returns one attempt, which the client may run again.
   */
  prepare(node: RemoteNode, instances: readonly unknown[], requestId: string): (send: Send) => Promise<Attempt>;
}

const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * A non-200 answer: 502/503/504 are retried (Retry-After honoured), `clientError`
 * is the format's reading of an error about the instances (passed to the client),
 * anything else (404: wrong model name, 500: the remote's model failed) is this
 * node's failure, not the client's.
 */
export function failedExchange(target: string, exchange: Exchange, clientError: MlError | undefined): Attempt {
  const { status, headers } = exchange;
  const message = errorMessage(exchange.text);
  const detail = `HTTP ${status}${message !== undefined ? `: ${message}` : ''}`;
  if (RETRY_STATUSES.has(status)) {
    const waitMs = retryAfterMs(headers['retry-after']);
    return { reason: detail, retry: true, ...(waitMs !== undefined ? { waitMs } : {}) };
  }
  if (clientError) return { error: clientError, remoteUp: true };
  return { error: new MlError('REMOTE_UNAVAILABLE', { target, reason: detail }), remoteUp: status < 500 };
}

/** An answer the node cannot use: the remote is not doing its job, so it counts against the breaker. */
export function malformed(target: string, reason: string): Attempt {
  return { error: new MlError('REMOTE_UNAVAILABLE', { target, reason: `malformed answer: ${reason}` }), remoteUp: false };
}

/**
 * An mlpatterns error body `{"error", "code"}` whose code and status agree, as
 * that same error (the remote's message kept): what another mlpatterns server
 * said about the client's instances reaches the client unchanged.
 */
export function ourClientError(exchange: Exchange): MlError | undefined {
  const body = parseJson(exchange.text);
  const { error, code } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; code?: unknown };
  if (typeof error !== 'string' || typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) return undefined;
  if (ERROR_CODES[code as ErrorCode].status !== exchange.status) return undefined;
  const passed = new MlError(code as ErrorCode, {});
  passed.message = error;
  return passed;
}

/** The `error` string of a JSON error body (ours and OIP's), or undefined for anything else (a proxy's HTML page). */
export function errorMessage(text: string): string | undefined {
  const body = parseJson(text);
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isExchange(result: Exchange | RetryAttempt): result is Exchange {
  return 'status' in result;
}
