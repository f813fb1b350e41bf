export { GraphBuilder, WRITER_IR_VERSION, WRITER_OPSET, type GraphBuilderOptions, type ValueOptions } from './graph-builder.js';
export { mlp, type Activation, type DenseLayer, type MlpHead, type MlpOptions } from './mlp.js';
export type { FlatWeights, Matrix, Weights } from './weights.js';
