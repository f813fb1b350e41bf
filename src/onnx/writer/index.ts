export {
  GraphBuilder,
  WRITER_IR_VERSION,
  WRITER_ML_OPSET,
  WRITER_OPSET,
  type GraphBuilderOptions,
  type NodeOptions,
  type ValueOptions,
} from './graph-builder.js';
export { denseLayers, mlp, type Activation, type DenseLayer, type MlpHead, type MlpOptions, type Standardization } from './mlp.js';
export type { FlatWeights, Matrix, Weights } from './weights.js';
export { linearRegressor, type LinearRegressorWeights } from './linear.js';
export { treeEnsembleClassifier, treeEnsembleRegressor, type TreeEnsembleOptions, type WrittenTree } from './tree-ensemble.js';
