import type { JobLauncher } from './background-jobs.js';
import type { NodeValue } from './node-value.js';
import type { CacheBinding } from './cache-bindings.js';
import type { LookupBinding } from './lookup-bindings.js';
import type { CacheNode, LookupNode, RemoteNode, ServiceNode } from './schema.js';
import type { InstanceKey } from '../protocol/friendly.js';
import type { ShadowEvent } from './shadow.js';
import type { SplitEvent } from './split.js';
import type { BanditStates } from './bandit-states.js';

/** One call of a served model from inside a graph. */
export interface ModelCall {
  readonly model: string;
  readonly instances: readonly unknown[];
  readonly signature?: string;
  /** The request id of the service call: every branch sees the same one. */
  readonly requestId: string;
  /** The service whose graph makes the call, and where in it (for the prediction log). */
  readonly service?: string;
  /** Parallel branches joined by "/", then the model: "ensemble/svc/iris". */
  readonly node?: string;
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

/**
 * What condition rules read about the request besides its instances. Built by
 * `requestAttributes` (condition.ts) as prototype-free, frozen copies, so a
 * rule's path can never reach `Object.prototype` and no node can change them.
 */
export interface RequestAttributes {
  /** Header values by lower-case name; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body's fields other than `instances` and `keys`. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** One lookup outcome, per instance (`count` at once): `hit` answered from the table, `miss` served live, `error` the table could not be read (served live). */
export interface LookupEvent {
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
  /** The results table of each lookup node (built at start-up by ServiceRepository). */
  readonly lookups?: ReadonlyMap<LookupNode, LookupBinding>;
  /** Told every lookup hit, miss and error (metrics). */
  readonly onLookup?: (event: LookupEvent) => void;
  /** Headers and body fields for condition rules; absent, header and field rules do not match. */
  readonly request?: RequestAttributes;
  /** Calls other servers for `remote` nodes (pools and breakers shared by every request). */
  readonly remotes?: { readonly call: (node: RemoteNode, instances: readonly unknown[], requestId: string) => Promise<NodeValue> };
  /**
   * The instances of the service whose graph is running (a referenced service's
   * own; inside a cache node, the cache's), aligned with the current instances:
   * what `map` nodes read as `input`. @default the current instances
   */
  readonly input?: readonly unknown[];
  /** The previous pipeline step's value, aligned with the current instances: `map` reads its labels, `label` rules too. */
  readonly previous?: NodeValue;
  /** The clock of `hour` rules (injected by tests). @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Starts the background jobs of `multistage` nodes for this request (bound to
   * its service, request id and keys by ServiceRepository). Absent inside a slow
   * stage, where a multistage node answers with its slow stage directly.
   */
  readonly jobs?: JobLauncher;
  /** The request's keys: a `split` node sticky by `key` reads the first. */
  readonly keys?: readonly InstanceKey[];
  /** Told every shadow candidate's outcome and its agreement with the primary (metrics). */
  readonly onShadow?: (event: ShadowEvent) => void;
  /** Told the variant of a split that served each request (metrics). */
  readonly onSplit?: (event: SplitEvent) => void;
  /** Arm state and decision log of `bandit` nodes (one per ServiceRepository). */
  readonly bandits?: BanditStates;
}
