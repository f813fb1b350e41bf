export { loadOnnxModel, workerPoolOf, type LoadOnnxModelOptions, type OnnxServingFunction } from './onnx-serving-function.js';
export type { OnnxExecutor, OnnxSessionOptions } from './session-options.js';
export type { SignatureConfig } from './signatures.js';
export { OrtWorkerPool, type OrtWorkerPoolOptions } from './worker/index.js';
