/** Request/response codecs of the serving API: pure functions, no HTTP. */
export { validateInputs, validateOutputs, validateTensor } from './validate.js';
export { fromJsonData, toFlatJson, toJsonData, type JsonScalar, type JsonTensorData, type JsonTensorValue } from './convert.js';
export { decodeInferRequest, encodeInferResponse } from './oip-json.js';
export {
  decodeBinaryInferRequest,
  encodeBinaryInferResponse,
  type BinaryInferResponse,
} from './oip-binary.js';
export {
  JSON_OUTPUTS,
  isBinaryOutput,
  wantsBinaryOutputs,
  type BinaryOutputSelection,
  type InferRequest,
  type InferResponseInit,
  type OipInferResponse,
  type OipResponseOutput,
} from './oip-types.js';
export {
  decodePredictRequest,
  instancesToTensors,
  tensorsToPredictions,
  type InstanceKey,
  type PredictRequest,
} from './friendly.js';
export { float16BitsToNumber, numberToFloat16Bits } from './float16.js';
