/**
 * Training: trainers, datasets and ONNX export. Nothing under src/runtime or the
 * serving path imports this folder (test/training/serving-isolation.test.ts checks).
 */
export type { ProbabilisticClassifier } from './classifier.js';
export { subset, type Dataset } from './dataset.js';
export { IRIS_FEATURE_NAMES, loadIris } from './datasets/iris.js';
export { exportClassifierToOnnx, type ClassifierExportOptions } from './export-onnx.js';
export {
  LOGISTIC_REGRESSION_DEFAULTS,
  LogisticRegression,
  trainLogisticRegression,
  type LogisticRegressionParams,
} from './logistic-regression.js';
export { accuracy, logLoss } from './metrics.js';
export { MLP_CLASSIFIER_DEFAULTS, MlpClassifier, trainMlpClassifier, type MlpClassifierParams } from './mlp-classifier.js';
export { SeededRandom } from './random.js';
export { stratifiedSplit, type Split, type SplitOptions } from './split.js';
export { fitStandardizer, standardize, type Standardizer } from './standardize.js';
export { columnStatistics, featureStatistics, quantile, type FeatureStatistics } from './statistics.js';
