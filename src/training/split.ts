import { SeededRandom } from './random.js';

export interface SplitOptions {
  /** Share of each class that goes to the test set. @default 0.3 */
  readonly testFraction?: number;
  /** @default 42 */
  readonly seed?: number;
}

export interface Split {
  /** Row indices, ascending. */
  readonly train: number[];
  readonly test: number[];
}

/**
 * A train/test split that keeps each class's share in both parts (stratified), so
 * that a small test set still sees every class. The same labels and seed always
 * give the same split.
 */
export function stratifiedSplit(labels: readonly number[], options: SplitOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.3;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const random = new SeededRandom(options.seed ?? 42);

  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const train: number[] = [];
  const test: number[] = [];
  // Classes in ascending order, so the random stream is consumed in a fixed order.
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const shuffled = random.shuffle(byClass.get(label) ?? []);
    const testCount = Math.round(shuffled.length * testFraction);
    test.push(...shuffled.slice(0, testCount));
    train.push(...shuffled.slice(testCount));
  }
  const ascending = (a: number, b: number): number => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}
