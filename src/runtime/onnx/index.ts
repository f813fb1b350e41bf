export { loadOnnxModel, type LoadOnnxModelOptions, type OnnxServingFunction } from './onnx-serving-function.js';
export type { OnnxSessionOptions } from './session-options.js';
export type { SignatureConfig } from './signatures.js';
