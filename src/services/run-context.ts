import type { NodeValue } from './node-value.js';
import type { ServiceNode } from './schema.js';

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
export type ModelRunner = (call: ModelCall) => Promise<NodeValue>;

export interface RunContext {
  readonly service: string;
  readonly requestId: string;
  readonly runModel: ModelRunner;
  /** The graph of another service, for `service` nodes (references are checked at start-up). */
  readonly graphOf: (service: string) => ServiceNode;
  /** Path of the enclosing parallel branches, e.g. "ensemble/svc/"; "" at the root. */
  readonly branchPath: string;
}
