import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, manifestSchema, type ManifestInput } from '../package/manifest.js';
import type { ProbabilisticClassifier } from './classifier.js';
import { manifestToYaml } from './examples/manifest-yaml.js';
import { exportClassifierToOnnx, type OnnxClassifier } from './export-onnx.js';
import type { Matrix } from './math.js';
import type { Standardizer } from './standardize.js';
import { featureStatistics } from './statistics.js';

/** Training values kept per feature in the baseline, so monitors can run drift tests against the real distribution. */
export const BASELINE_REFERENCE_LIMIT = 1000;

export interface ClassifierPackageInput {
  /** The manifest's model name (the served name when none is given). */
  readonly name: string;
  /** @default "1.0.0" */
  readonly version?: string;
  readonly description: string;
  /** A trained classifier; with `standardizer`, it was trained on standardized features. */
  readonly model: ProbabilisticClassifier | OnnxClassifier;
  /** The ONNX graph's name and doc string. */
  readonly graphName: string;
  readonly docString: string;
  readonly classNames: readonly string[];
  readonly featureNames: readonly string[];
  /** Becomes the `standardize` pre-processing step, so clients send raw measurements. */
  readonly standardizer?: Standardizer | undefined;
  /** The raw (not standardized) training features: the baseline statistics drift monitors compare with. */
  readonly trainFeatures: Matrix;
  readonly metrics?: Readonly<Record<string, number>> | undefined;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  readonly dataset?: string | undefined;
  /** What built the package (manifest `source`, and the YAML's header comment). */
  readonly source: string;
  /** Example instances for the manifest's `sample`. */
  readonly sample?: readonly (readonly number[])[] | undefined;
  /** Decimals of the baseline statistics. @default 6 */
  readonly decimals?: number;
}

export interface ClassifierPackage {
  readonly modelBytes: Uint8Array;
  readonly manifest: ManifestInput;
  readonly manifestYaml: string;
}

const INPUT_NAME = 'features';

/**
 * A servable package for a trained classifier: `model.onnx` (float32 features
 * in; `probabilities` and `label` out) and a manifest with its labels, both
 * signatures, the standardize step, and the training baseline for drift
 * monitoring. Pure and deterministic: the same inputs give the same bytes.
 */
export function buildClassifierPackage(input: ClassifierPackageInput): ClassifierPackage {
  const decimals = input.decimals ?? 6;
  const modelBytes = exportClassifierToOnnx(input.model, { name: input.graphName, inputName: INPUT_NAME, classLabels: input.classNames, docString: input.docString });
  const inputs = [{ name: INPUT_NAME, dtype: 'float32' as const, shape: [-1, input.featureNames.length] }];
  const manifest: ManifestInput = {
    name: input.name,
    version: input.version ?? '1.0.0',
    description: input.description,
    runtime: 'onnx',
    model: 'model.onnx',
    labels: [...input.classNames],
    signatures: {
      probabilities: { default: true, inputs, outputs: ['probabilities'] },
      label: { inputs, outputs: ['label'] },
    },
    preprocess: input.standardizer !== undefined ? [{ type: 'standardize', mean: input.standardizer.mean, std: input.standardizer.std }] : [],
    postprocess: [],
    ...(input.sample !== undefined ? { sample: { instances: input.sample.map((row) => [...row]) } } : {}),
    ...(input.metrics !== undefined ? { metrics: { ...input.metrics } } : {}),
    baseline: featureStatistics(input.trainFeatures, input.featureNames, decimals, BASELINE_REFERENCE_LIMIT),
    source: input.source,
    ...(input.params !== undefined ? { params: { ...input.params } } : {}),
    ...(input.dataset !== undefined ? { dataset: input.dataset } : {}),
  };
  // Fail here, at build time, rather than when a server loads the package.
  manifestSchema.parse(manifest);
  return { modelBytes, manifest, manifestYaml: manifestToYaml(manifest, input.source) };
}

/** Writes `model.onnx` and `mlpatterns.model.yaml` into `dir` (created when missing). */
export async function writeClassifierPackage(dir: string, pkg: ClassifierPackage): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.onnx'), pkg.modelBytes);
  await writeFile(path.join(dir, MANIFEST_FILE), pkg.manifestYaml);
}
