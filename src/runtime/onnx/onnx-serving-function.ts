import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { MlError } from '../../errors/ml-error.js';
import type { OnnxModelInfo } from '../../onnx/inspect.js';
import type { NamedTensors, Signature, TensorSpec } from '../../tensor/tensor.js';
import type { RunOptions, ServingFunction } from '../serving-function.js';
import { BYTES_SOURCE, defaultModelName, readModelBytes } from './model-source.js';
import { ortReason } from './ort-error.js';
import type { OrtTensorLike } from './ort-tensor-class.js';
import { prepareModel } from './prepare-model.js';
import { resolveExecutor, type OnnxExecutor, type OnnxSessionOptions } from './session-options.js';
import { openSessionRunner, type SessionRunner } from './session-runner.js';
import { resolveSignatures, type SignatureConfig } from './signatures.js';
import { fromOrtTensor, toOrtTensor } from './tensor-convert.js';
import type { OrtWorkerPool } from './worker/ort-worker-pool.js';

export interface LoadOnnxModelOptions {
  /** Names the model in INFERENCE_FAILED / MODEL_NOT_READY errors. @default the file name without extension, or "model" */
  readonly name?: string;
  /** Declared signatures (from the manifest). @default inferred from the graph, see resolveSignatures */
  readonly signatures?: Readonly<Record<string, SignatureConfig>>;
  /** onnxruntime's options, and where sessions run (`executor`, `workerThreads`). */
  readonly session?: OnnxSessionOptions;
}

/** A ServingFunction backed by onnxruntime: one session inline, or one per worker thread. */
export interface OnnxServingFunction extends ServingFunction {
  /** The graph's interface, read after the load-time rewrites. */
  readonly info: OnnxModelInfo;
  /** The load-time rewrites applied (see prepareForServing), for logs. */
  readonly rewrites: readonly string[];
  /** Where the sessions run: "worker" threads (the default) or "inline" on the main thread. */
  readonly executor: OnnxExecutor;
}

/**
 * Loads an ONNX model (file path or bytes) into onnxruntime: by default into
 * worker threads (session.executor), resolving once every thread holds a session.
 * With worker threads, decoding and rewriting the graph and creating the
 * sessions, the costly parts for big models, all happen off the event loop.
 *
 * @throws MlError INVALID_MODEL_FILE when the file is missing, is not ONNX, or onnxruntime cannot load the graph.
 * @throws MlError INVALID_MANIFEST when a declared signature names an output the graph does not have.
 */
export async function loadOnnxModel(
  source: string | Uint8Array,
  options: LoadOnnxModelOptions = {},
): Promise<OnnxServingFunction> {
  const path = typeof source === 'string' ? source : BYTES_SOURCE;
  const bytes = await readModelBytes(source);
  const executor = resolveExecutor(options.session?.executor, bytes.length);
  const session = { ...options.session, executor };
  const prepared = await prepareModel(bytes, path, executor);
  const { info } = prepared;
  // Signatures are checked before the session exists, so a bad manifest leaks nothing.
  const { signatures, defaultSignature } = resolveSignatures(info, options.signatures, path);
  let runner: SessionRunner;
  try {
    runner = await openSessionRunner(prepared.bytes, session);
  } catch (err) {
    throw new MlError('INVALID_MODEL_FILE', { path, reason: ortReason(err) }, { cause: err });
  }
  const name = options.name ?? defaultModelName(source);
  return new OrtServingFunction(name, runner, info, prepared.rewrites, signatures, defaultSignature);
}

/** The worker pool behind a model loaded with executor "worker" (diagnostics and tests); else undefined. */
export function workerPoolOf(fn: OnnxServingFunction): OrtWorkerPool | undefined {
  return fn instanceof OrtServingFunction ? fn.owned.pool : undefined;
}

class OrtServingFunction implements OnnxServingFunction {
  /** Cleared by dispose, so that later runs report MODEL_NOT_READY. */
  private runner: SessionRunner | undefined;

  constructor(
    private readonly name: string,
    readonly owned: SessionRunner,
    readonly info: OnnxModelInfo,
    readonly rewrites: readonly string[],
    readonly signatures: Readonly<Record<string, Signature>>,
    readonly defaultSignature: string,
  ) {
    this.runner = owned;
  }

  get executor(): OnnxExecutor {
    return this.owned.executor;
  }

  async run(inputs: NamedTensors, options: RunOptions = {}): Promise<NamedTensors> {
    const runner = this.runner;
    if (runner === undefined) throw new MlError('MODEL_NOT_READY', { name: this.name });
    const signature = this.signatureFor(options.signature);
    const fetches = outputsFor(signature, this.info.outputs, options.outputs);
    const feeds = feedsFor(signature, inputs);

    let results: Readonly<Record<string, OrtTensorLike>>;
    try {
      results = await runner.run(feeds, fetches);
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

  /**
   * Releases the session(s) once the runs in progress are done. With worker
   * threads, a second call while the first still waits gives up on those runs
   * (INFERENCE_FAILED at once) and ends the threads as soon as onnxruntime
   * returns (see OrtWorkerPool.dispose).
   */
  async dispose(): Promise<void> {
    this.runner = undefined;
    await this.owned.dispose();
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
