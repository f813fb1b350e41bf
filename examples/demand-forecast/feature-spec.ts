/**
 * `features.json` in the model package: the feature names the model was trained on, how to read its
 * output, and the check that a package matches the code building its input (an old package must not
 * be fed new columns). Kept apart from the package writer so that the steps that only read a package
 * (evaluate, forecast) do not import the trainers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const MODEL_FILE = 'model.onnx';
export const FEATURE_SPEC_FILE = 'features.json';

export interface FeatureSpec {
  readonly features: readonly string[];
  readonly maxHorizon: number;
  readonly input: string;
  readonly output: string;
  readonly target: string;
}

export function checkFeatureSpec(folder: string, expected: readonly string[]): void {
  const file = path.join(folder, FEATURE_SPEC_FILE);
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Partial<FeatureSpec>;
  const names = spec.features ?? [];
  if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
    throw new Error(`${file}: the model was trained on features [${names.join(', ')}], but this code builds [${expected.join(', ')}]; retrain it`);
  }
}
