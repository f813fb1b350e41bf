export { cache, condition, model, parallel, pipeline, remote, service, serviceRef, threshold } from './builders.js';
export { currentVersion, leaseRunner } from './model-runner.js';
export type { NodeValue } from './node-value.js';
export { requestAttributes } from './condition.js';
export type { CacheEvent, ModelCall, ModelRunner, RequestAttributes } from './run-context.js';
export type { Aggregate, BreakerOptions, CacheNode, CacheStore, ConditionNode, ConditionRule, ConditionValue, RuleWhen, ModelNode, ParallelNode, PipelineNode, RemoteNode, ServiceEntry, ServiceNode, ServiceRefNode, ThresholdNode } from './schema.js';
export { ServiceRepository, type RunServiceOptions } from './service-repository.js';
export type { RemoteEvent, BreakerState } from './remote/index.js';
