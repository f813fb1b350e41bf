import type { SessionOptions } from '../config/schema.js';
import { MlError } from '../errors/ml-error.js';
import type { ModelPackage } from '../package/read-package.js';
import { buildSteps } from '../processing/build.js';
import { runSteps } from '../processing/run-steps.js';
import type { StepContext } from '../processing/step.js';
import { loadFunctionModel } from '../runtime/function/load.js';
import { loadOnnxModel } from '../runtime/onnx/onnx-serving-function.js';
import type { ServingFunction } from '../runtime/serving-function.js';
import type { NamedTensors, Signature } from '../tensor/tensor.js';
import { autoLabels } from './auto-labels.js';
import type { InferOptions, InferResult, LoadedModel } from './loaded-model.js';

export interface LoadModelOptions {
  /** Name the model is served under. @default the manifest's name */
  readonly name?: string;
  /** Version reported to clients. @default the manifest's version, else "1" */
  readonly version?: string;
  readonly session?: SessionOptions;
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
    const signatures = clientSignatures(pkg, fn);
    const allOutputs = [...new Set(Object.values(fn.signatures).flatMap((s) => s.outputs.map((o) => o.name)))];
    const name = options.name ?? manifest.name;

    const infer = async (inputs: NamedTensors, opts: InferOptions = {}): Promise<InferResult> => {
      const signature = opts.signature ?? fn.defaultSignature;
      let ctx: StepContext = { tensors: inputs, extras: {}, ...(labels ? { labels } : {}) };
      if (pre.length > 0) ctx = await runSteps(pre, ctx);
      const outputs = await fn.run(ctx.tensors, { signature, ...(opts.outputs ? { outputs: opts.outputs } : {}) });
      let post$: StepContext = { tensors: outputs, extras: ctx.extras, ...(labels ? { labels } : {}) };
      if (post.length > 0) post$ = await runSteps(post, post$);
      const predictedLabels = post$.predictedLabels ?? (labels ? autoLabels(post$.tensors, labels) : undefined);
      return { outputs: post$.tensors, extras: post$.extras, ...(predictedLabels ? { predictedLabels } : {}) };
    };

    return {
      name,
      version: options.version ?? manifest.version ?? '1',
      pkg,
      fn,
      signatures,
      defaultSignature: fn.defaultSignature,
      ...(labels ? { labels } : {}),
      platform: manifest.runtime === 'onnx' ? 'onnxruntime_onnx' : 'mlpatterns_function',
      allOutputs,
      infer,
      dispose: () => fn.dispose(),
    };
  } catch (err) {
    await fn.dispose();
    throw err;
  }
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

/** Labels guessed from a sibling file are dropped when they don't fit the model's classes. */
function usableLabels(pkg: ModelPackage, fn: ServingFunction): readonly string[] | undefined {
  if (!pkg.labels) return undefined;
  if (!pkg.inferred) return pkg.labels;
  const info = (fn as { info?: { classLabels?: readonly string[] } }).info;
  const classes = info?.classLabels?.length;
  return classes === pkg.labels.length ? pkg.labels : undefined;
}

/**
 * Client-facing signatures: the manifest may declare what the client sends
 * (before pre-processing); otherwise it is the model's own inputs.
 */
function clientSignatures(pkg: ModelPackage, fn: ServingFunction): Record<string, Signature> {
  const out: Record<string, Signature> = {};
  for (const [name, sig] of Object.entries(fn.signatures)) {
    const declared = pkg.manifest.signatures?.[name]?.inputs;
    out[name] = declared ? { ...sig, inputs: declared } : sig;
  }
  if (Object.keys(out).length === 0) {
    throw new MlError('INVALID_MODEL_FILE', { path: pkg.modelPath, reason: 'the model has no signatures' });
  }
  return out;
}
