import { MlError } from '../errors/ml-error.js';
import { decodeModel, int64ToNumber, type GraphProto, type ModelProto } from './proto.js';

export type ModelWithGraph = ModelProto & { graph: GraphProto };

/**
 * Decodes bytes as an ONNX ModelProto, or throws INVALID_MODEL_FILE. Protobuf has
 * no magic number and happily decodes many byte strings, so a model must also
 * declare an IR version and hold a graph to count as ONNX.
 */
export function readOnnxModel(bytes: Uint8Array, path = '<bytes>'): ModelWithGraph {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new MlError('INVALID_MODEL_FILE', { path, reason: `not an ONNX model (${detail})` }, { cause: err });
  }
  if (int64ToNumber(model.irVersion) <= 0 || !model.graph) {
    throw new MlError('INVALID_MODEL_FILE', { path, reason: 'not an ONNX model (no IR version or no graph)' });
  }
  return model as ModelWithGraph;
}
