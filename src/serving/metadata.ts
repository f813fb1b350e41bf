import type { Signature, TensorSpec } from '../tensor/tensor.js';
import type { LoadedModel } from './loaded-model.js';

/**
 * The web-single `/metadata` document: what the model takes (type, structure,
 * sample) and what it answers (type, structure, labels), per signature.
 */
export function describeModel(model: LoadedModel): Record<string, unknown> {
  const { manifest } = model.pkg;
  return {
    name: model.name,
    version: model.version,
    runtime: manifest.runtime,
    platform: model.platform,
    ...(manifest.description ? { description: manifest.description } : {}),
    default_signature: model.defaultSignature,
    signatures: Object.fromEntries(Object.values(model.signatures).map((s) => [s.name, describeSignature(s)])),
    ...(model.labels ? { labels: model.labels } : {}),
    data_sample: manifest.sample?.instances ?? sampleFor(model.signatures[model.defaultSignature]),
    preprocess: manifest.preprocess.map((s) => s.type),
    postprocess: manifest.postprocess.map((s) => s.type),
    ...(manifest.metrics ? { metrics: manifest.metrics } : {}),
    lineage: {
      ...(manifest.source ? { source: manifest.source } : {}),
      ...(manifest.dataset ? { dataset: manifest.dataset } : {}),
      ...(manifest.params ? { params: manifest.params } : {}),
    },
  };
}

function describeSignature(sig: Signature): Record<string, unknown> {
  return {
    data_type: sig.inputs.map(spec),
    prediction_type: sig.outputs.map(spec),
  };
}

function spec(t: TensorSpec): Record<string, unknown> {
  return { name: t.name, dtype: t.dtype, shape: t.shape };
}

/** A zero-filled instance of the right structure when the package ships no sample. */
function sampleFor(sig: Signature | undefined): unknown[] | undefined {
  const input = sig?.inputs[0];
  if (!input || sig.inputs.length !== 1) return undefined;
  const row = input.shape.slice(1).map((d) => (d < 0 ? 1 : d));
  const build = (dims: number[]): unknown => (dims.length === 0 ? (input.dtype === 'string' ? '' : 0) : Array.from({ length: dims[0] ?? 0 }, () => build(dims.slice(1))));
  return [build(row)];
}
