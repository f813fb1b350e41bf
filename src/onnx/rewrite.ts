import { readOnnxModel, type ModelWithGraph } from './read-model.js';
import { encodeModel } from './proto.js';
import type { GraphRewrite } from './rewrites/graph-rewrite.js';
import { scalerToDouble } from './rewrites/scaler-to-double.js';
import { zipMapToTensor } from './rewrites/zipmap-to-tensor.js';
import { UniqueNames } from './unique-names.js';

export interface PreparedModel {
  /** The model to hand to onnxruntime: the input bytes themselves when nothing changed. */
  readonly bytes: Uint8Array;
  /** One line per change, for logs. */
  readonly rewrites: string[];
  /** The decoded (and rewritten) model, so callers need not decode the bytes again. */
  readonly model: ModelWithGraph;
}

/** Applied in order; each pass sees the previous passes' result. */
const REWRITES: readonly GraphRewrite[] = [zipMapToTensor, scalerToDouble];

/**
 * Rewrites a model at load time so that onnxruntime-node can serve it and gives
 * the results its training library gave. The file on disk (and its content hash in
 * the registry) stays as exported; only the in-memory copy changes.
 *
 * @param path names the model in the INVALID_MODEL_FILE error thrown for bytes that are not an ONNX model.
 */
export function prepareForServing(bytes: Uint8Array, path = '<bytes>'): PreparedModel {
  const model = readOnnxModel(bytes, path);
  // readOnnxModel guarantees a graph.
  const names = new UniqueNames(model.graph);
  const rewrites = REWRITES.flatMap((rewrite) => rewrite(model, names));
  return { bytes: rewrites.length === 0 ? bytes : encodeModel(model), rewrites, model };
}
