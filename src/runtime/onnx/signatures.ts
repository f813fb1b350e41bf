import { MlError } from '../../errors/ml-error.js';
import type { OnnxModelInfo } from '../../onnx/inspect.js';
import type { Signature, TensorSpec } from '../../tensor/tensor.js';

/** A signature as a manifest declares it (see signatureSchema in src/package/manifest.ts). */
export interface SignatureConfig {
  /** Outputs this signature returns, by graph output name. */
  readonly outputs: readonly string[];
  /**
   * Inputs as clients send them, before pre-processing. The serving function sits
   * after pre-processing, so its signatures always take the graph's own inputs and
   * this field is not used here.
   */
  readonly inputs?: readonly TensorSpec[];
  /** @default the first signature */
  readonly default?: boolean;
}

export interface ResolvedSignatures {
  readonly signatures: Readonly<Record<string, Signature>>;
  readonly defaultSignature: string;
}

/**
 * The declared signatures checked against the graph, or, when none are declared,
 * signatures inferred from it: `probabilities` (default) and `label` for a
 * classifier, otherwise `default` with every output.
 *
 * @param path names the model in INVALID_MANIFEST / INVALID_MODEL_FILE errors.
 */
export function resolveSignatures(
  info: OnnxModelInfo,
  declared: Readonly<Record<string, SignatureConfig>> | undefined,
  path: string,
): ResolvedSignatures {
  if (info.outputs.length === 0) {
    const reason = `the graph has no tensor outputs (non-tensor: ${info.nonTensorOutputs.join(', ') || 'none'})`;
    throw new MlError('INVALID_MODEL_FILE', { path, reason });
  }
  const configs = declared !== undefined && Object.keys(declared).length > 0 ? declared : inferSignatures(info);
  const outputsByName = new Map(info.outputs.map((o) => [o.name, o]));
  const signatures: Record<string, Signature> = {};
  for (const [name, config] of Object.entries(configs)) {
    if (config.outputs.length === 0) {
      throw new MlError('INVALID_MANIFEST', { path, reason: `signature "${name}" names no outputs` });
    }
    const outputs = config.outputs.map((output) => {
      const spec = outputsByName.get(output);
      if (spec === undefined) throw new MlError('INVALID_MANIFEST', { path, reason: unknownOutputReason(info, name, output) });
      return spec;
    });
    signatures[name] = Object.freeze({ name, inputs: info.inputs, outputs: Object.freeze(outputs) });
  }
  return { signatures: Object.freeze(signatures), defaultSignature: pickDefault(configs, path) };
}

function inferSignatures(info: OnnxModelInfo): Record<string, SignatureConfig> {
  if (info.kind === 'classifier' && (info.probabilityOutput || info.labelOutput)) {
    return {
      ...(info.probabilityOutput && { probabilities: { outputs: [info.probabilityOutput], default: true } }),
      ...(info.labelOutput && { label: { outputs: [info.labelOutput] } }),
    };
  }
  return { default: { outputs: info.outputs.map((o) => o.name), default: true } };
}

function pickDefault(configs: Readonly<Record<string, SignatureConfig>>, path: string): string {
  const names = Object.keys(configs);
  const flagged = names.filter((name) => configs[name]?.default === true);
  if (flagged.length > 1) {
    throw new MlError('INVALID_MANIFEST', { path, reason: `more than one default signature: ${flagged.join(', ')}` });
  }
  // resolveSignatures guarantees at least one signature.
  return flagged[0] ?? names[0] ?? 'default';
}

function unknownOutputReason(info: OnnxModelInfo, signature: string, output: string): string {
  const why = info.nonTensorOutputs.includes(output) ? 'is not a tensor' : 'is not an output of the model';
  return `signature "${signature}": "${output}" ${why} (outputs: ${info.outputs.map((o) => o.name).join(', ')})`;
}
