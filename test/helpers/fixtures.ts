import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The third-party reference models, beside the clone as ../shared. */
export const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/reference-models');
export const IRIS_EXAMPLE = path.join(REPO_ROOT, 'examples/iris');

export interface Expected {
  inputs: number[][];
  iris_svc: number[][];
  iris_rf: number[][];
  iris_svc_0_setosa: number[][];
  iris_svc_0_versicolor: number[][];
  iris_svc_0_virginica: number[][];
  iris_ocs_score: number[];
}

export const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
export const fixtureLabels = Object.values(
  JSON.parse(readFileSync(path.join(FIXTURES, 'label.json'), 'utf8')) as Record<string, string>,
);

export const CLASSIFIERS = ['iris_svc', 'iris_rf', 'iris_svc_0_setosa', 'iris_svc_0_versicolor', 'iris_svc_0_virginica'] as const;

export function maxAbsDiff(actual: readonly (readonly number[])[], wanted: readonly (readonly number[])[]): number {
  let max = 0;
  wanted.forEach((row, i) => row.forEach((v, j) => (max = Math.max(max, Math.abs((actual[i]?.[j] ?? NaN) - v)))));
  return Number.isNaN(max) ? Infinity : max;
}

export function argmax(row: readonly number[]): number {
  let best = 0;
  row.forEach((v, i) => {
    if (v > (row[best] ?? -Infinity)) best = i;
  });
  return best;
}
