import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { ERROR_CODES, type ErrorCode } from '../../errors/codes.js';
import { MlError } from '../../errors/ml-error.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import type { NodeValue } from '../node-value.js';
import type { RemoteNode } from '../schema.js';
import { backoffDelay, retryAfterMs } from './backoff.js';
import { CircuitBreaker, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_RESET_MS, type BreakerState } from './breaker.js';

export const DEFAULT_REMOTE_TIMEOUT_MS = 1000;
export const DEFAULT_REMOTE_RETRIES = 2;
export const DEFAULT_REMOTE_BACKOFF_MS = 50;

/** One remote call's outcome (metrics): `rejected` means the breaker was open and nothing was sent. */
export interface RemoteEvent {
  readonly target: string;
  readonly result: 'ok' | 'error' | 'rejected';
}

export interface RemoteClientsOptions {
  readonly onRemote?: (event: RemoteEvent) => void;
  readonly onBreaker?: (event: { readonly target: string; readonly state: BreakerState }) => void;
  /** For tests: the jitter source. @default Math.random */
  readonly random?: () => number;
}

/** A failed attempt: `retry` when another attempt may help (network error, 502/503/504). */
type Attempt =
  | { readonly value: NodeValue; readonly retry?: false }
  | { readonly error: MlError; readonly remoteUp: boolean; readonly retry?: false }
  | { readonly reason: string; readonly retry: true; readonly waitMs?: number };

const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * The HTTP side of `remote` nodes: one keep-alive undici Pool per origin
 * (shared by every node calling that server) and one breaker per URL + target
 * (a broken model on a server must not shut off its healthy neighbours).
 */
export class RemoteClients {
  readonly #pools = new Map<string, Pool>();
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: RemoteClientsOptions = {}) {}

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  /** Breaker states by target (for tests and health). */
  states(): Map<string, BreakerState> {
    return new Map([...this.#breakers].map(([target, b]) => [target, b.state]));
  }

  async call(node: RemoteNode, instances: readonly unknown[], requestId: string): Promise<NodeValue> {
    const target = targetOf(node);
    const breaker = this.#breaker(target, node);
    if (!breaker.tryAcquire()) {
      this.options.onRemote?.({ target, result: 'rejected' });
      throw new MlError('REMOTE_UNAVAILABLE', { target, reason: 'circuit open' });
    }
    let outcome: Attempt;
    try {
      outcome = await this.#attempts(node, target, instances, requestId);
    } catch (err) {
      // Never leave a half-open breaker waiting on a probe that will not report.
      breaker.failure();
      this.options.onRemote?.({ target, result: 'error' });
      throw err;
    }
    if ('value' in outcome) {
      breaker.success();
      this.options.onRemote?.({ target, result: 'ok' });
      return outcome.value;
    }
    // A client error means the remote is up and answering: it must not trip the breaker.
    if ('remoteUp' in outcome && outcome.remoteUp) breaker.success();
    else breaker.failure();
    this.options.onRemote?.({ target, result: 'error' });
    throw 'error' in outcome ? outcome.error : new MlError('REMOTE_UNAVAILABLE', { target, reason: outcome.reason });
  }

  /** Attempts within one time budget (`timeoutMs` covers every attempt and wait). */
  async #attempts(node: RemoteNode, target: string, instances: readonly unknown[], requestId: string): Promise<Attempt> {
    const timeoutMs = node.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    const retries = node.retries ?? DEFAULT_REMOTE_RETRIES;
    const deadline = Date.now() + timeoutMs;
    // Keys stay here: they label the client's answer and mean nothing to the remote.
    const body = JSON.stringify({ instances });
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      const outcome = remaining > 0 ? await this.#once(node, target, body, requestId, remaining, instances.length) : { reason: `no answer within ${timeoutMs} ms`, retry: true as const };
      if (outcome.retry !== true || attempt >= retries) return outcome;
      const wait = Math.max(backoffDelay(node.backoffMs ?? DEFAULT_REMOTE_BACKOFF_MS, attempt, this.options.random), outcome.waitMs ?? 0);
      // A Retry-After past the budget cannot be honoured: fail now rather than late.
      if (Date.now() + wait >= deadline) return outcome;
      await sleep(wait);
    }
  }

  async #once(node: RemoteNode, target: string, body: string, requestId: string, remainingMs: number, count: number): Promise<Attempt> {
    const url = new URL(node.url);
    const signal = AbortSignal.timeout(remainingMs);
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await this.#pool(url.origin).request({
        method: 'POST',
        path: `${url.pathname.replace(/\/+$/, '')}${pathOf(node)}`,
        headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: requestId },
        body,
        signal,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (err) {
      // The budget ran out: no attempt after this one could start in time.
      if (signal.aborted) return { reason: `no answer within ${node.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS} ms`, retry: true };
      return { reason: networkReason(err), retry: true };
    }
    if (status === 200) return answer(target, text, count);
    const remoteError = parseError(text);
    if (RETRY_STATUSES.has(status)) {
      const waitMs = retryAfterMs(headers['retry-after']);
      return { reason: `HTTP ${status}${remoteError ? `: ${remoteError.error}` : ''}`, retry: true, ...(waitMs !== undefined ? { waitMs } : {}) };
    }
    // The instances are the client's: an error about them is the client's to fix, so it goes back as the remote said it.
    if (status >= 400 && status < 500 && remoteError && isCode(remoteError.code) && ERROR_CODES[remoteError.code].status === status && (status === 400 || status === 413)) {
      const error = new MlError(remoteError.code, {});
      error.message = remoteError.error;
      return { error, remoteUp: true };
    }
    // Anything else (404: wrong model name, 500: the remote's model failed) is this node's failure, not the client's.
    return { error: new MlError('REMOTE_UNAVAILABLE', { target, reason: `HTTP ${status}${remoteError ? `: ${remoteError.error}` : ''}` }), remoteUp: status < 500 };
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) this.#pools.set(origin, (pool = new Pool(origin)));
    return pool;
  }

  #breaker(target: string, node: RemoteNode): CircuitBreaker {
    let breaker = this.#breakers.get(target);
    if (!breaker) {
      const options = { failures: node.breaker?.failures ?? DEFAULT_BREAKER_FAILURES, resetMs: node.breaker?.resetMs ?? DEFAULT_BREAKER_RESET_MS };
      breaker = new CircuitBreaker(options, (state) => this.options.onBreaker?.({ target, state }));
      this.#breakers.set(target, breaker);
      this.options.onBreaker?.({ target, state: 'closed' });
    }
    return breaker;
  }
}

/** "http://pred:8080/v1/models/iris": the breaker's key and the metrics label. */
export function targetOf(node: RemoteNode): string {
  return `${node.url.replace(/\/+$/, '')}${pathOf(node).replace(/\/predict$/, '')}`;
}

function pathOf(node: RemoteNode): string {
  return node.model !== undefined ? `/v1/models/${encodeURIComponent(node.model)}/predict` : `/v1/services/${encodeURIComponent(node.service ?? '')}/predict`;
}

function answer(target: string, text: string, count: number): Attempt {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const { predictions, labels } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { predictions?: unknown; labels?: unknown };
  if (!Array.isArray(predictions) || predictions.length !== count) {
    return { error: new MlError('REMOTE_UNAVAILABLE', { target, reason: `malformed answer: expected ${count} predictions` }), remoteUp: false };
  }
  const okLabels = Array.isArray(labels) && labels.length === count && labels.every((l) => typeof l === 'string');
  return { value: { rows: predictions, ...(okLabels ? { labels } : {}) } };
}

/** Our `{"error", "code"}` body, or undefined for anything else (a proxy's HTML page). */
function parseError(text: string): { error: string; code: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null) {
      const { error, code } = body as { error?: unknown; code?: unknown };
      if (typeof error === 'string' && typeof code === 'string') return { error, code };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

function isCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

function networkReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
