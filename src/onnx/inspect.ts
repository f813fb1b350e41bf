import { MlError } from '../errors/ml-error.js';
import type { TensorSpec } from '../tensor/tensor.js';
import { classifyModel, type ModelKind } from './classify-model.js';
import { normalizeDomain } from './graph-queries.js';
import { int64ToNumber } from './proto.js';
import { readOnnxModel, type ModelWithGraph } from './read-model.js';
import { isTensorValue, tensorSpecOf } from './value-info.js';

export type { ModelKind } from './classify-model.js';

/** What a server needs to know about an ONNX graph, read from the file alone. */
export interface OnnxModelInfo {
  /** Graph inputs that callers feed (initializers listed as inputs by old exporters are left out). */
  readonly inputs: readonly TensorSpec[];
  /** Graph outputs that are tensors, i.e. that onnxruntime-node can return. */
  readonly outputs: readonly TensorSpec[];
  /** Graph outputs that are sequences or maps (e.g. an un-rewritten ZipMap): not servable. */
  readonly nonTensorOutputs: readonly string[];
  /** Imported opset version per domain; the default domain is listed as "ai.onnx". */
  readonly opsets: Readonly<Record<string, number>>;
  readonly irVersion: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly graphName?: string;
  /** The model's metadata_props. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly kind: ModelKind;
  /** Class labels in probability-column order, as strings ("0", "1", ... for integer labels). */
  readonly classLabels?: readonly string[];
  /** Output with the [N, C] class probabilities (a tensor: inspect after prepareForServing). */
  readonly probabilityOutput?: string;
  /** Output with the predicted class per row. */
  readonly labelOutput?: string;
}

/**
 * Reads a model's interface. Run it on the bytes from `prepareForServing`, so that
 * ZipMap probability outputs are already tensors.
 *
 * @throws MlError INVALID_MODEL_FILE for bytes that are not ONNX, or tensors of an element type we cannot carry.
 */
export function inspectModel(bytes: Uint8Array, path = '<bytes>'): OnnxModelInfo {
  return inspectDecoded(readOnnxModel(bytes, path), path);
}

/** `inspectModel` on an already decoded model (decoding a large graph is the costly part). */
export function inspectDecoded(model: ModelWithGraph, path = '<bytes>'): OnnxModelInfo {
  const graph = model.graph;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const specs = (values: typeof graph.input): TensorSpec[] => {
    try {
      return values.map(tensorSpecOf);
    } catch (err) {
      throw new MlError('INVALID_MODEL_FILE', { path, reason: (err as Error).message }, { cause: err });
    }
  };
  const inputs = specs(graph.input.filter((v) => !initializers.has(v.name)));
  const outputs = specs(graph.output.filter(isTensorValue));
  const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const role = classifyModel(graph, new Set(outputs.map((o) => o.name)), metadata);

  return {
    inputs,
    outputs,
    nonTensorOutputs: graph.output.filter((v) => !isTensorValue(v)).map((v) => v.name ?? ''),
    opsets: Object.fromEntries(
      (model.opsetImport ?? []).map((o) => [normalizeDomain(o.domain) || 'ai.onnx', int64ToNumber(o.version)]),
    ),
    irVersion: int64ToNumber(model.irVersion),
    ...(model.producerName && { producerName: model.producerName }),
    ...(model.producerVersion && { producerVersion: model.producerVersion }),
    ...(graph.name && { graphName: graph.name }),
    metadata,
    ...role,
  };
}
