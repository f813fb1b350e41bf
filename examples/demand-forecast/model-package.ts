/**
 * The model package the train step writes and the register step registers: `model.onnx`,
 * `mlpatterns.model.yaml` (signature, training metrics and parameters, baseline statistics
 * of every feature for drift monitoring) and `features.json` (how to build the model's input
 * and read its output, for anyone who calls the served model).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, manifestSchema, type ManifestInput } from '../../src/package/manifest.js';
import { manifestToYaml } from '../../src/training/examples/manifest-yaml.js';
import { featureStatistics } from '../../src/training/index.js';
import { FEATURE_SPEC_FILE, MODEL_FILE, type FeatureSpec } from './feature-spec.js';
import { MAX_HORIZON } from './features.js';
import { INPUT_NAME, OUTPUT_NAME } from './score.js';

const SOURCE = 'examples/demand-forecast/steps/train.ts';
/** Training values kept per feature in the baseline, so monitors can run drift tests against the real distribution. */
const REFERENCE_LIMIT = 1000;
const DECIMALS = 6;

export interface PackageContents {
  readonly name: string;
  readonly modelBytes: Uint8Array;
  readonly featureNames: readonly string[];
  /** Training rows (for the baseline statistics and the sample request). */
  readonly trainingRows: readonly (readonly number[])[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly dataset: string;
}

export function writeModelPackage(folder: string, contents: PackageContents): ManifestInput {
  const inputs = [{ name: INPUT_NAME, dtype: 'float32' as const, shape: [-1, contents.featureNames.length] }];
  const manifest: ManifestInput = {
    name: contents.name,
    description:
      `Daily store visitors, 1..${MAX_HORIZON} days ahead (gradient-boosted trees). Input: forecast-origin features (${FEATURE_SPEC_FILE}); ` +
      `output: visitors relative to the store's mean over the 28 days up to the origin (multiply by that mean).`,
    runtime: 'onnx',
    model: MODEL_FILE,
    signatures: { forecast: { default: true, inputs, outputs: [OUTPUT_NAME] } },
    preprocess: [],
    postprocess: [],
    sample: { instances: contents.trainingRows.slice(0, 2).map((row) => row.map((v) => round(v))) },
    metrics: { ...contents.metrics },
    baseline: featureStatistics(contents.trainingRows, contents.featureNames, DECIMALS, REFERENCE_LIMIT),
    source: SOURCE,
    params: { ...contents.params },
    dataset: contents.dataset,
  };
  // Fail here, in the pipeline, rather than when a server loads the package.
  manifestSchema.parse(manifest);
  const spec: FeatureSpec = {
    features: contents.featureNames,
    maxHorizon: MAX_HORIZON,
    input: INPUT_NAME,
    output: OUTPUT_NAME,
    target: 'visitors on origin + horizon / mean visitors over the 28 days up to the origin',
  };
  writeFileSync(path.join(folder, MODEL_FILE), contents.modelBytes);
  writeFileSync(path.join(folder, MANIFEST_FILE), manifestToYaml(manifest, SOURCE));
  writeFileSync(path.join(folder, FEATURE_SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  return manifest;
}

function round(value: number): number {
  return Number(value.toFixed(DECIMALS));
}
