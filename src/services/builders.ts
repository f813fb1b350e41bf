import type {
  Aggregate,
  BanditNode,
  CacheNode,
  ConditionNode,
  ConditionRule,
  LookupNode,
  MapNode,
  ModelNode,
  MultistageNode,
  NodeCommon,
  ParallelNode,
  PipelineNode,
  RemoteNode,
  ServiceEntry,
  ServiceNode,
  ServiceRefNode,
  ShadowNode,
  SplitNode,
  SplitVariant,
  ThresholdNode,
} from './schema.js';

/**
 * The TypeScript API of the service graph. Each builder returns the same plain
 * object the YAML config parses to, so a graph built in code goes through the
 * same validation (`resolveConfig`) and runtime as one read from a file:
 *
 * ```ts
 * service('one-vs-rest', parallel({
 *   setosa: threshold(model('setosa'), { threshold: 0.9, column: 0 }),
 * }))
 * ```
 */
export function service(name: string, graph: ServiceNode): ServiceEntry {
  return { name, graph };
}

export function model(name: string, options: Omit<ModelNode, 'type' | 'model'> = {}): ModelNode {
  return { type: 'model', model: name, ...options };
}

export function pipeline(steps: readonly ServiceNode[], options: NodeCommon = {}): PipelineNode {
  return { type: 'pipeline', steps, ...options };
}

export function parallel(
  branches: Readonly<Record<string, ServiceNode>>,
  options: { readonly aggregate?: Aggregate; readonly timeoutMs?: number } & NodeCommon = {},
): ParallelNode {
  return { type: 'parallel', branches, ...options };
}

export function threshold(input: ServiceNode, options: Omit<ThresholdNode, 'type' | 'input'>): ThresholdNode {
  return { type: 'threshold', input, ...options };
}

export function serviceRef(name: string, options: NodeCommon = {}): ServiceRefNode {
  return { type: 'service', service: name, ...options };
}

/** Prediction cache around `input`: `cache(model('iris'), { ttlMs: 30_000 })`. */
export function cache(input: ServiceNode, options: Omit<CacheNode, 'type' | 'input'> = {}): CacheNode {
  return { type: 'cache', input, ...options };
}

/**
 * Condition-based serving: the first rule whose `when` holds serves the request, else `fallback`.
 * `condition([{ when: { header: { 'x-tier': 'gold' } }, then: model('big'), timeoutMs: 200 }], model('small'))`
 */
export function condition(
  rules: readonly ConditionRule[],
  fallback: ServiceNode,
  options: { readonly defaultTimeoutMs?: number } & NodeCommon = {},
): ConditionNode {
  return { type: 'condition', rules, default: fallback, ...options };
}

/**
 * A model or service of another mlpatterns server:
 * `remote({ url: 'http://pred:8080', model: 'iris', timeoutMs: 500, breaker: { failures: 3 } })`.
 */
export function remote(options: Omit<RemoteNode, 'type'>): RemoteNode {
  return { type: 'remote', ...options };
}

/**
 * Output → input mapping between pipeline steps: `map({ concat: ['input', 'rows'] })`
 * gives the next step the original features followed by the previous step's rows.
 */
export function map(options: Omit<MapNode, 'type'> = {}): MapNode {
  return { type: 'map', ...options };
}

/** Fast answer now, slow answer later under a job id: `multistage(model('small'), model('large'))`. */
export function multistage(fast: ServiceNode, slow: ServiceNode, options: { readonly timeoutMs?: number } & NodeCommon = {}): MultistageNode {
  return { type: 'multistage', fast, slow, ...options };
}

/**
 * Answers from precomputed batch results by key, live on a miss:
 * `lookup({ source: 'postgres://db/app?table=scores', key: 'id' }, model('iris'))`.
 */
export function lookup(options: Omit<LookupNode, 'type' | 'fallback'>, fallback: ServiceNode): LookupNode {
  return { type: 'lookup', ...options, fallback };
}

/**
 * Shadow traffic: `primary` answers; a share of requests also runs on each candidate, unawaited:
 * `shadow(model('iris'), { v2: model('iris-v2') }, { share: 0.1, timeoutMs: 2000 })`.
 */
export function shadow(
  primary: ServiceNode,
  candidates: Readonly<Record<string, ServiceNode>>,
  options: Omit<ShadowNode, 'type' | 'primary' | 'candidates'> = {},
): ShadowNode {
  return { type: 'shadow', primary, candidates, ...options };
}

/**
 * Online A/B by weight, sticky by a header, a body field or the first key:
 * `split({ a: { weight: 9, node: model('iris') }, b: { weight: 1, node: model('iris-v2') } }, { sticky: { header: 'x-user' } })`.
 */
export function split(variants: Readonly<Record<string, SplitVariant>>, options: Omit<SplitNode, 'type' | 'variants'> = {}): SplitNode {
  return { type: 'split', variants, ...options };
}

/**
 * Multi-armed bandit over arms, learning from feedback (`notifyFeedback`, POST /v1/feedback):
 * `bandit({ a: model('iris'), b: model('iris-v2') }, { policy: 'epsilon-greedy', epsilon: 0.1 })`.
 */
export function bandit(arms: Readonly<Record<string, ServiceNode>>, options: Omit<BanditNode, 'type' | 'arms'> = {}): BanditNode {
  return { type: 'bandit', arms, ...options };
}
