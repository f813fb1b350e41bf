/** Reading and preparing ONNX models for serving. The graph writer lives in ./writer (training side). */
export { inspectModel, type ModelKind, type OnnxModelInfo } from './inspect.js';
export { prepareForServing, type PreparedModel } from './rewrite.js';
export { CLASS_LABELS_METADATA_KEY } from './classify-model.js';
