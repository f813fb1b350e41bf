import { SeededRandom } from '../../../src/training/random.js';

export interface RegressionData {
  readonly features: number[][];
  readonly targets: number[];
}

/**
 * Friedman #1 (a standard nonlinear regression benchmark): x uniform in [0, 1]^width,
 * y = 10·sin(π·x0·x1) + 20·(x2 - 0.5)² + 10·x3 + 5·x4 + noise; features past the fifth are irrelevant.
 * `offset` shifts y, to exercise large outputs.
 */
export function friedman1(rows: number, width: number, seed: number, noise = 1, offset = 0): RegressionData {
  const random = new SeededRandom(seed);
  const features = Array.from({ length: rows }, () => Array.from({ length: width }, () => random.next()));
  const targets = features.map(
    ([a = 0, b = 0, c = 0, d = 0, e = 0]) =>
      offset + 10 * Math.sin(Math.PI * a * b) + 20 * (c - 0.5) ** 2 + 10 * d + 5 * e + random.normal(0, noise),
  );
  return { features, targets };
}

export function meanSquaredError(truth: readonly number[], predicted: readonly number[]): number {
  return truth.reduce((s, y, i) => s + (y - (predicted[i] ?? Number.NaN)) ** 2, 0) / truth.length;
}

/** The first `share` of the rows for training, the rest held out (the data are i.i.d., so no shuffle is needed). */
export function holdOut<T>(items: readonly T[], share = 0.8): { train: T[]; test: T[] } {
  const cut = Math.round(items.length * share);
  return { train: items.slice(0, cut), test: items.slice(cut) };
}
