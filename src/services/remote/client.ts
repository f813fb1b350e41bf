import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { MlError } from '../../errors/ml-error.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';
import type { NodeValue } from '../node-value.js';
import type { RemoteNode } from '../schema.js';
import { backoffDelay } from './backoff.js';
import { CircuitBreaker, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_RESET_MS, type BreakerState } from './breaker.js';
import { friendlyFormat } from './friendly.js';
import { OipFormat } from './oip.js';
import type { Attempt, Exchange, RetryAttempt, Send, WireFormat } from './wire.js';

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

/**
 * The HTTP side of `remote` nodes: one keep-alive undici Pool per origin
 * (shared by every node calling that server) and one breaker per URL + target
 * (a broken model on a server must not shut off its healthy neighbours).
 * Retries, the budget, the breaker and the metrics are the same for every wire
 * format; the format only says what is sent and how the answer reads.
 */
export class RemoteClients {
  readonly #pools = new Map<string, Pool>();
  readonly #breakers = new Map<string, CircuitBreaker>();
  // The OIP format keeps each target's input metadata: one per client set, like the pools.
  readonly #oip = new OipFormat();

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
    const format = this.#format(node);
    const target = format.target(node);
    // A malformed instance is the client's 400, before the breaker or the network.
    const attempt = format.prepare(node, instances, requestId);
    const breaker = this.#breaker(target, node);
    if (!breaker.tryAcquire()) {
      this.options.onRemote?.({ target, result: 'rejected' });
      throw new MlError('REMOTE_UNAVAILABLE', { target, reason: 'circuit open' });
    }
    let outcome: Attempt;
    try {
      outcome = await this.#attempts(node, attempt, requestId);
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
  async #attempts(node: RemoteNode, attempt: (send: Send) => Promise<Attempt>, requestId: string): Promise<Attempt> {
    const timeoutMs = node.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    const retries = node.retries ?? DEFAULT_REMOTE_RETRIES;
    const deadline = Date.now() + timeoutMs;
    const late: RetryAttempt = { reason: `no answer within ${timeoutMs} ms`, retry: true };
    for (let n = 0; ; n++) {
      const remaining = deadline - Date.now();
      const outcome = remaining > 0 ? await attempt(this.#sender(node, requestId, AbortSignal.timeout(remaining), late)) : late;
      if (outcome.retry !== true || n >= retries) return outcome;
      const wait = Math.max(backoffDelay(node.backoffMs ?? DEFAULT_REMOTE_BACKOFF_MS, n, this.options.random), outcome.waitMs ?? 0);
      // A Retry-After past the budget cannot be honoured: fail now rather than late.
      if (Date.now() + wait >= deadline) return outcome;
      await sleep(wait);
    }
  }

  /** Sends an attempt's requests (an OIP attempt may need two) under the attempt's share of the budget. */
  #sender(node: RemoteNode, requestId: string, signal: AbortSignal, late: RetryAttempt): Send {
    const url = new URL(node.url);
    return async ({ method, path, body }): Promise<Exchange | RetryAttempt> => {
      try {
        const res = await this.#pool(url.origin).request({
          method,
          path: `${url.pathname.replace(/\/+$/, '')}${path}`,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), [REQUEST_ID_HEADER]: requestId },
          ...(body !== undefined ? { body } : {}),
          signal,
        });
        return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
      } catch (err) {
        // The budget ran out: no attempt after this one could start in time.
        if (signal.aborted) return late;
        return { reason: networkReason(err), retry: true };
      }
    };
  }

  #format(node: RemoteNode): WireFormat {
    return node.protocol === 'v2' ? this.#oip : friendlyFormat;
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

/** "http://pred:8080/v1/models/iris" (or ".../v2/models/iris"): the breaker's key and the metrics label. */
export function targetOf(node: RemoteNode): string {
  return (node.protocol === 'v2' ? new OipFormat() : friendlyFormat).target(node);
}

function networkReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
