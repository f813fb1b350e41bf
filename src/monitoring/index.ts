/** Drift monitors over the prediction log, alerts, retrain triggers (docs/monitoring.md). */
export { deliverAlert, type AlertMessage, type AlertSinkOptions } from './alert-sinks.js';
export { baselineFeatures, type BaselineFeature } from './baseline.js';
export { driftSummary, type DriftSummary, type FeatureDrift } from './drift-report.js';
export { parseCondition, parseGateRule, parseWindow, type Condition, type GateRule } from './expressions.js';
export { MonitorRunner, modelBaseline, type MonitorRunnerOptions } from './monitor-runner.js';
export { checkGates, describeGate, promote, rollback, rollbackTarget, type EvaluatedMetrics, type GateResult, type ProductionMetrics, type PromoteOptions, type PromoteResult, type RollbackResult } from './promotion.js';
export { runMonitor, type AlertOutcome, type MonitorRun, type RunMonitorOptions } from './run-monitor.js';
export { monitorSchema, triggerSchema, type AlertRuleConfig, type MonitorConfig, type TriggerConfig } from './schema.js';
export { changed, evaluateTriggers, type TriggerOutcome } from './triggers.js';
