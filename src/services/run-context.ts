import type { NodeValue } from './node-value.js';
import type { CacheBinding } from './cache-bindings.js';
import type { CacheNode, ServiceNode } from './schema.js';

/** One call of a served model from inside a graph. */
export interface ModelCall {
  readonly model: string;
  readonly instances: readonly unknown[];
  readonly signature?: string;
  /** The request id of the service call: every branch sees the same one. */
  readonly requestId: string;
}

/**
 * Runs a served model. Injected so the graph runtime stays free of HTTP: the
 * server's runner records per-model metrics, `leaseRunner` (model-runner.ts) does not.
 */
export interface ModelRunner {
  (call: ModelCall): Promise<NodeValue>;
  /**
   * The version a call of `model` would run right now. Prediction caches put it
   * in their keys, so a new version is never answered from the old one's
   * results; without it, cache nodes are bypassed.
   */
  readonly versionOf?: (model: string) => string;
}

/** One cache lookup outcome, per instance (`count` instances at once); `error`: the store failed, the instance was still served. */
export interface CacheEvent {
  readonly service: string;
  readonly node: string;
  readonly result: 'hit' | 'miss' | 'error';
  readonly count: number;
}

export interface RunContext {
  readonly service: string;
  readonly requestId: string;
  readonly runModel: ModelRunner;
  /** The graph of another service, for `service` nodes (references are checked at start-up). */
  readonly graphOf: (service: string) => ServiceNode;
  /** Path of the enclosing parallel branches, e.g. "ensemble/svc/"; "" at the root. */
  readonly branchPath: string;
  /** The store and key parts of each cache node (built at start-up by ServiceRepository). */
  readonly caches?: ReadonlyMap<CacheNode, CacheBinding>;
  /** Told every cache hit, miss and error (metrics). */
  readonly onCache?: (event: CacheEvent) => void;
}
