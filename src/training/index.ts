/**
 * Training: trainers, datasets and ONNX export. Nothing under src/runtime or the
 * serving path imports this folder (test/training/serving-isolation.test.ts checks).
 */
export type { ProbabilisticClassifier } from './classifier.js';
export { subset, type Dataset } from './dataset.js';
export { IRIS_FEATURE_NAMES, loadIris } from './datasets/iris.js';
export { exportClassifierToOnnx, type ClassifierExportOptions, type ClassifierOutputNames, type OnnxClassifier } from './export-onnx.js';
export { exportRegressorToOnnx, type OnnxRegressor, type RegressorExportOptions } from './export-regressor.js';
export { GRADIENT_BOOSTING_DEFAULTS, type GradientBoostingParams } from './gradient-boosting.js';
export { GradientBoostingClassifier, trainGradientBoostingClassifier } from './gradient-boosting-classifier.js';
export { GradientBoostingRegressor, trainGradientBoostingRegressor } from './gradient-boosting-regressor.js';
export {
  LINEAR_REGRESSION_DEFAULTS,
  LinearRegression,
  trainLinearRegression,
  type LinearRegressionParams,
} from './linear-regression.js';
export {
  LOGISTIC_REGRESSION_DEFAULTS,
  LogisticRegression,
  trainLogisticRegression,
  type LogisticRegressionParams,
} from './logistic-regression.js';
export { accuracy, logLoss } from './metrics.js';
export { MLP_CLASSIFIER_DEFAULTS, MlpClassifier, trainMlpClassifier, type MlpClassifierParams } from './mlp-classifier.js';
export { OneHiddenLayerNetwork, type HiddenActivation } from './mlp-network.js';
export { MLP_REGRESSOR_DEFAULTS, MlpRegressor, trainMlpRegressor, type MlpRegressorParams } from './mlp-regressor.js';
export { SeededRandom } from './random.js';
export { RANDOM_FOREST_DEFAULTS, RandomForestRegressor, trainRandomForestRegressor, type RandomForestParams } from './random-forest.js';
export { stratifiedSplit, type Split, type SplitOptions } from './split.js';
export { fitStandardizer, standardize, type Standardizer } from './standardize.js';
export { columnStatistics, featureStatistics, quantile, type FeatureStatistics } from './statistics.js';
export { DecisionTree } from './tree-model.js';
// --- training pipelines (docs/training-pipelines.md) ---------------------
export { definePipeline, type PipelineInput, type StepInput } from '../pipelines/define-pipeline.js';
export type { ParamSpec, PipelineDefinition, PipelineStep } from '../pipelines/definition.js';
export { loadPipeline } from '../pipelines/load-pipeline.js';
export type { PipelineEvent } from '../pipelines/runner/events.js';
export { runPipeline, type PipelineRunResult, type RunPipelineOptions } from '../pipelines/runner/run-pipeline.js';
export {
  StepRejectedError,
  type BuiltinStep,
  type PipelineStorage,
  type StepContext,
  type StepFunction,
  type StepResult,
  type StepRunInfo,
} from '../pipelines/types.js';
export type { StepOutputRecord, TrainingRun, TrainingRunStatus, TrainingStep, TrainingStepStatus } from '../ports/training-run-store.js';
// --- data sources and packaging (docs/data-sources.md, docs/pipeline-builtins.md) ---
export { openDataSource, readDataFolder, readRows, writeDataRows, type DataSource, type DataTable, type OpenDataSourceOptions } from '../data/index.js';
export { buildClassifierPackage, writeClassifierPackage, type ClassifierPackage, type ClassifierPackageInput } from './classifier-package.js';
