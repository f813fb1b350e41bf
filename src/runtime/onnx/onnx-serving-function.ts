import ort from 'onnxruntime-node';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { MlError } from '../../errors/ml-error.js';
import { inspectDecoded, type OnnxModelInfo } from '../../onnx/inspect.js';
import { prepareForServing } from '../../onnx/rewrite.js';
import type { NamedTensors, Signature, TensorSpec } from '../../tensor/tensor.js';
import type { RunOptions, ServingFunction } from '../serving-function.js';
import { BYTES_SOURCE, defaultModelName, readModelBytes } from './model-source.js';
import { ortReason } from './ort-error.js';
import { toOrtSessionOptions, type OnnxSessionOptions } from './session-options.js';
import { resolveSignatures, type SignatureConfig } from './signatures.js';
import { fromOrtTensor, toOrtTensor } from './tensor-convert.js';

export interface LoadOnnxModelOptions {
  /** Names the model in INFERENCE_FAILED / MODEL_NOT_READY errors. @default the file name without extension, or "model" */
  readonly name?: string;
  /** Declared signatures (from the manifest). @default inferred from the graph, see resolveSignatures */
  readonly signatures?: Readonly<Record<string, SignatureConfig>>;
  readonly session?: OnnxSessionOptions;
}

/** A ServingFunction backed by one onnxruntime session. */
export interface OnnxServingFunction extends ServingFunction {
  /** The graph's interface, read after the load-time rewrites. */
  readonly info: OnnxModelInfo;
  /** The load-time rewrites applied (see prepareForServing), for logs. */
  readonly rewrites: readonly string[];
}

/**
 * Loads an ONNX model (file path or bytes) into an onnxruntime session.
 *
 * @throws MlError INVALID_MODEL_FILE when the file is missing, is not ONNX, or onnxruntime cannot load the graph.
 * @throws MlError INVALID_MANIFEST when a declared signature names an output the graph does not have.
 */
export async function loadOnnxModel(
  source: string | Uint8Array,
  options: LoadOnnxModelOptions = {},
): Promise<OnnxServingFunction> {
  const path = typeof source === 'string' ? source : BYTES_SOURCE;
  const prepared = prepareForServing(await readModelBytes(source), path);
  const info = inspectDecoded(prepared.model, path);
  // Signatures are checked before the session exists, so a bad manifest leaks nothing.
  const { signatures, defaultSignature } = resolveSignatures(info, options.signatures, path);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(prepared.bytes, toOrtSessionOptions(options.session));
  } catch (err) {
    throw new MlError('INVALID_MODEL_FILE', { path, reason: ortReason(err) }, { cause: err });
  }
  const name = options.name ?? defaultModelName(source);
  return new OrtServingFunction(name, session, info, prepared.rewrites, signatures, defaultSignature);
}

class OrtServingFunction implements OnnxServingFunction {
  private session: InferenceSession | undefined;

  constructor(
    private readonly name: string,
    session: InferenceSession,
    readonly info: OnnxModelInfo,
    readonly rewrites: readonly string[],
    readonly signatures: Readonly<Record<string, Signature>>,
    readonly defaultSignature: string,
  ) {
    this.session = session;
  }

  async run(inputs: NamedTensors, options: RunOptions = {}): Promise<NamedTensors> {
    const session = this.session;
    if (session === undefined) throw new MlError('MODEL_NOT_READY', { name: this.name });
    const signature = this.signatureFor(options.signature);
    const fetches = outputsFor(signature, this.info.outputs, options.outputs);
    const feeds = feedsFor(signature, inputs);

    let results: InferenceSession.ReturnType;
    try {
      results = await session.run(feeds, fetches);
    } catch (err) {
      throw new MlError('INFERENCE_FAILED', { name: this.name, reason: ortReason(err) }, { cause: err });
    }
    const outputs: NamedTensors = {};
    for (const output of fetches) {
      const value = results[output];
      if (value === undefined) {
        throw new MlError('INFERENCE_FAILED', { name: this.name, reason: `onnxruntime returned no "${output}"` });
      }
      outputs[output] = fromOrtTensor(this.name, value);
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  private signatureFor(name: string | undefined): Signature {
    const wanted = name ?? this.defaultSignature;
    const signature = Object.hasOwn(this.signatures, wanted) ? this.signatures[wanted] : undefined;
    if (signature === undefined) {
      const expected = Object.keys(this.signatures).join(', ');
      throw new MlError('UNKNOWN_SIGNATURE', { signature: wanted, expected });
    }
    return signature;
  }
}

/**
 * The signature's outputs by default; when outputs are named (an Open Inference
 * Protocol request), any output of the graph, as Triton allows.
 */
function outputsFor(signature: Signature, graphOutputs: readonly TensorSpec[], requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return signature.outputs.map((o) => o.name);
  const available = graphOutputs.map((o) => o.name);
  for (const output of requested) {
    if (!available.includes(output)) {
      throw new MlError('UNKNOWN_OUTPUT', { output, expected: available.join(', ') });
    }
  }
  return [...new Set(requested)];
}

/**
 * Inputs are validated against the signature before `run` (ServingFunction's
 * contract); these checks only turn a wiring mistake into a clear error instead of
 * onnxruntime's.
 */
function feedsFor(signature: Signature, inputs: NamedTensors): Record<string, OrtTensor> {
  const expected = signature.inputs.map((i) => i.name);
  for (const name of Object.keys(inputs)) {
    if (!expected.includes(name)) throw new MlError('UNKNOWN_INPUT', { input: name, expected: expected.join(', ') });
  }
  const feeds: Record<string, OrtTensor> = {};
  for (const name of expected) {
    const tensor = inputs[name];
    if (tensor === undefined) throw new MlError('MISSING_INPUT', { input: name });
    feeds[name] = toOrtTensor(name, tensor);
  }
  return feeds;
}
