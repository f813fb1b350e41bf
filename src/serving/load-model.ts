import { performance } from 'node:perf_hooks';
import type { BatchingOptions, SessionOptions } from '../config/schema.js';
import { MlError } from '../errors/ml-error.js';
import type { ModelPackage } from '../package/read-package.js';
import { buildSteps } from '../processing/build.js';
import { runSteps } from '../processing/run-steps.js';
import type { StepContext } from '../processing/step.js';
import { loadFunctionModel } from '../runtime/function/load.js';
import { loadOnnxModel } from '../runtime/onnx/onnx-serving-function.js';
import type { ServingFunction } from '../runtime/serving-function.js';
import type { NamedTensors, Signature, TensorSpec } from '../tensor/tensor.js';
import { autoLabels } from './auto-labels.js';
import { DynamicBatcher, type BatchObserver } from './batching/index.js';
import type { InferOptions, InferResult, LoadedModel } from './loaded-model.js';

export interface LoadModelOptions {
  /** Name the model is served under. @default the manifest's name */
  readonly name?: string;
  /** Version reported to clients. @default the manifest's version, else "1" */
  readonly version?: string;
  readonly session?: SessionOptions;
  /** Dynamic batching of executions; absent = each request runs on its own (also for models without a dynamic batch dimension). */
  readonly batching?: BatchingOptions;
  /** Told about every execution (rows, queue and compute time) and every refusal. */
  readonly observer?: BatchObserver | ((version: string) => BatchObserver);
}

/** Turns a package into a LoadedModel: runtime, processing steps, labels. */
export async function loadModel(pkg: ModelPackage, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const { manifest } = pkg;
  const fn = await loadRuntime(pkg, options.session);
  try {
    const [pre, post] = await Promise.all([
      buildSteps(manifest.preprocess, { packageDir: pkg.dir, stage: 'pre' }),
      buildSteps(manifest.postprocess, { packageDir: pkg.dir, stage: 'post' }),
    ]);
    const labels = usableLabels(pkg, fn);
    const signatures = clientSignatures(pkg, fn, pre.length > 0);
    const outputSpecs = uniqueOutputs(fn);
    const graphOutputs = outputSpecs.map((o) => o.name);
    const availableOutputs = (signature: string): readonly string[] =>
      manifest.runtime === 'onnx' ? graphOutputs : (fn.signatures[signature]?.outputs.map((o) => o.name) ?? []);
    const name = options.name ?? manifest.name;
    const version = options.version ?? manifest.version ?? '1';
    const observer = typeof options.observer === 'function' ? options.observer(version) : options.observer;
    const execute = executor(name, fn, options.batching, observer);

    const infer = async (inputs: NamedTensors, opts: InferOptions = {}): Promise<InferResult> => {
      const signature = opts.signature ?? fn.defaultSignature;
      let ctx: StepContext = { tensors: inputs, extras: {}, ...(labels ? { labels } : {}) };
      if (pre.length > 0) ctx = await runSteps(pre, ctx);
      const outputs = await execute(ctx.tensors, signature, opts);
      let post$: StepContext = { tensors: outputs, extras: ctx.extras, ...(labels ? { labels } : {}) };
      if (post.length > 0) post$ = await runSteps(post, post$);
      const predictedLabels = post$.predictedLabels ?? (labels ? autoLabels(post$.tensors, labels) : undefined);
      return { outputs: post$.tensors, extras: post$.extras, ...(predictedLabels ? { predictedLabels } : {}) };
    };

    return {
      name,
      version,
      pkg,
      fn,
      signatures,
      defaultSignature: fn.defaultSignature,
      ...(labels ? { labels } : {}),
      platform: manifest.runtime === 'onnx' ? 'onnxruntime_onnx' : 'mlpatterns_function',
      availableOutputs,
      outputSpecs,
      infer,
      dispose: async () => {
        await execute.close();
        await fn.dispose();
      },
    };
  } catch (err) {
    await fn.dispose();
    throw err;
  }
}

function assertSameInputs(declared: readonly TensorSpec[], model: readonly TensorSpec[], path: string, signature: string): void {
  for (const d of declared) {
    const m = model.find((x) => x.name === d.name);
    const fits = m !== undefined && m.dtype === d.dtype && m.shape.length === d.shape.length;
    if (!fits) {
      const want = m ? `${m.dtype} of rank ${m.shape.length}` : 'no such input';
      throw new MlError('INVALID_MANIFEST', { path, reason: `signatures.${signature}.inputs: "${d.name}" is ${d.dtype} of rank ${d.shape.length} but the model has ${want} and there is no pre-processing` });
    }
  }
}

/** Every output spec across signatures, each once. */
function uniqueOutputs(fn: ServingFunction): TensorSpec[] {
  const seen = new Map<string, TensorSpec>();
  for (const sig of Object.values(fn.signatures)) for (const o of sig.outputs) seen.set(o.name, o);
  return [...seen.values()];
}

interface Executor {
  (inputs: NamedTensors, signature: string, opts: InferOptions): Promise<NamedTensors>;
  close(): Promise<void>;
}

/**
 * How one inference reaches the runtime: through the dynamic batcher, or
 * straight to `fn.run`. Both honour the deadline and report executions.
 */
function executor(name: string, fn: ServingFunction, batching: BatchingOptions | undefined, observer: BatchObserver | undefined): Executor {
  const outputsOf = (signature: string, opts: InferOptions): readonly string[] =>
    opts.outputs ?? fn.signatures[signature]?.outputs.map((o) => o.name) ?? [];

  if (batching && batching.maxBatchSize > 1 && hasDynamicBatchDim(fn)) {
    const batcher = new DynamicBatcher(name, (inputs, key) => fn.run(inputs, key), batching, observer);
    const run = (inputs: NamedTensors, signature: string, opts: InferOptions) =>
      batcher.submit(inputs, { signature, outputs: outputsOf(signature, opts), ...deadlineOf(opts) });
    return Object.assign(run, { close: () => batcher.close() });
  }

  const run = async (inputs: NamedTensors, signature: string, opts: InferOptions): Promise<NamedTensors> => {
    if (opts.deadline !== undefined && performance.now() > opts.deadline) {
      observer?.onReject?.('deadline');
      throw new MlError('DEADLINE_EXCEEDED', { name, deadlineMs: opts.deadlineMs ?? 0, stage: 'waiting to run' });
    }
    const start = performance.now();
    const outputs = await fn.run(inputs, { signature, outputs: outputsOf(signature, opts) });
    observer?.onBatch?.({ rows: batchRows(inputs), requests: 1, queueUs: [0], computeUs: (performance.now() - start) * 1000 });
    return outputs;
  };
  return Object.assign(run, { close: async () => undefined });
}

/** Merging along dim 0 is only sound when every input's first dimension is dynamic. */
function hasDynamicBatchDim(fn: ServingFunction): boolean {
  return Object.values(fn.signatures).every((sig) => sig.inputs.every((input) => input.shape[0] === -1));
}

function deadlineOf(opts: InferOptions): { deadline?: number; deadlineMs?: number } {
  if (opts.deadline === undefined) return {};
  return { deadline: opts.deadline, ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}) };
}

function batchRows(inputs: NamedTensors): number {
  for (const t of Object.values(inputs)) return t.shape[0] ?? 0;
  return 0;
}

async function loadRuntime(pkg: ModelPackage, session: SessionOptions | undefined): Promise<ServingFunction> {
  const { manifest } = pkg;
  if (manifest.runtime === 'function') return loadFunctionModel(pkg.modelPath, { name: manifest.name });
  const signatures = manifest.signatures
    ? Object.fromEntries(
        Object.entries(manifest.signatures).map(([name, s]) => [
          name,
          { outputs: s.outputs, ...(s.default !== undefined ? { default: s.default } : {}) },
        ]),
      )
    : undefined;
  return loadOnnxModel(pkg.modelPath, { ...(signatures ? { signatures } : {}), ...(session ? { session } : {}) });
}

/**
 * Labels guessed from a sibling file are dropped when they don't fit the model:
 * the graph's class count (scikit-learn classifiers), or else the last dimension of
 * some output (a softmax network without class metadata).
 */
function usableLabels(pkg: ModelPackage, fn: ServingFunction): readonly string[] | undefined {
  if (!pkg.labels) return undefined;
  if (!pkg.inferred) return pkg.labels;
  const count = pkg.labels.length;
  const classes = (fn as { info?: { classLabels?: readonly string[] } }).info?.classLabels?.length;
  if (classes !== undefined) return classes === count ? pkg.labels : undefined;
  const fits = uniqueOutputs(fn).some((o) => o.shape.length === 2 && o.shape[1] === count);
  return fits ? pkg.labels : undefined;
}

/**
 * Client-facing signatures: the manifest may declare what the client sends
 * (before pre-processing); otherwise it is the model's own inputs.
 */
function clientSignatures(pkg: ModelPackage, fn: ServingFunction, hasPreprocessing: boolean): Record<string, Signature> {
  const out: Record<string, Signature> = {};
  for (const [name, sig] of Object.entries(fn.signatures)) {
    const declared = pkg.manifest.signatures?.[name]?.inputs;
    // Without pre-processing the client's tensors go to the model as they are: a declared input the model
    // would refuse (another dtype or rank) would turn a client mistake into a 500, so refuse the package.
    if (declared && !hasPreprocessing) assertSameInputs(declared, sig.inputs, pkg.modelPath, name);
    out[name] = declared ? { ...sig, inputs: declared } : sig;
  }
  if (Object.keys(out).length === 0) {
    throw new MlError('INVALID_MODEL_FILE', { path: pkg.modelPath, reason: 'the model has no signatures' });
  }
  return out;
}
