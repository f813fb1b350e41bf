export { cache, condition, model, parallel, pipeline, service, serviceRef, threshold } from './builders.js';
export { currentVersion, leaseRunner } from './model-runner.js';
export type { NodeValue } from './node-value.js';
export { requestAttributes } from './condition.js';
export type { CacheEvent, ModelCall, ModelRunner, RequestAttributes } from './run-context.js';
export type { Aggregate, CacheNode, CacheStore, ConditionNode, ConditionRule, ConditionValue, RuleWhen, ModelNode, ParallelNode, PipelineNode, ServiceEntry, ServiceNode, ServiceRefNode, ThresholdNode } from './schema.js';
export { ServiceRepository, type RunServiceOptions } from './service-repository.js';
