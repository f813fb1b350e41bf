import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The third-party scikit-learn fixtures (see their README.md). */
export const REFERENCE_MODELS = '/work/shared/fixtures/reference-models';

export function referenceModelPath(name: string): string {
  return join(REFERENCE_MODELS, `${name}.onnx`);
}

export function readReferenceModel(name: string): Uint8Array {
  return readFileSync(referenceModelPath(name));
}

export interface Expected {
  readonly inputs: number[][];
  readonly iris_svc: number[][];
  readonly iris_rf: number[][];
  readonly iris_svc_0_setosa: number[][];
  readonly iris_svc_0_versicolor: number[][];
  readonly iris_svc_0_virginica: number[][];
  readonly iris_ocs_score: number[];
}

export function loadExpected(): Expected {
  return JSON.parse(readFileSync(join(REFERENCE_MODELS, 'expected.json'), 'utf8')) as Expected;
}
