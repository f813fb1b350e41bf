import { describe, expect, it } from 'vitest';
import { loadIris } from '../../src/training/datasets/iris.js';
import { accuracy, logLoss } from '../../src/training/metrics.js';
import { SeededRandom } from '../../src/training/random.js';
import { stratifiedSplit } from '../../src/training/split.js';
import { fitStandardizer, standardize } from '../../src/training/standardize.js';
import { columnStatistics, featureStatistics, quantile } from '../../src/training/statistics.js';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    for (const v of draw(5)) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws roughly standard normals and shuffles into permutations', () => {
    const r = new SeededRandom(9);
    const draws = Array.from({ length: 20_000 }, () => r.normal());
    const stats = columnStatistics(draws);
    expect(Math.abs(stats.mean)).toBeLessThan(0.03);
    expect(Math.abs(stats.std - 1)).toBeLessThan(0.03);
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = r.shuffle(items);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('loadIris', () => {
  it('returns 150 rows of 4 features and 3 balanced classes', () => {
    const iris = loadIris();
    expect(iris.features).toHaveLength(150);
    expect(iris.features[0]).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect([0, 1, 2].map((c) => iris.labels.filter((l) => l === c).length)).toEqual([50, 50, 50]);
  });
});

describe('stratifiedSplit', () => {
  const labels = loadIris().labels;

  it('keeps each class share, covers every row once, and is reproducible', () => {
    const split = stratifiedSplit(labels, { testFraction: 0.3, seed: 1 });
    expect(split.test).toHaveLength(45);
    expect(split.train).toHaveLength(105);
    expect([0, 1, 2].map((c) => split.test.filter((i) => labels[i] === c).length)).toEqual([15, 15, 15]);
    expect([...split.train, ...split.test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(stratifiedSplit(labels, { testFraction: 0.3, seed: 1 })).toEqual(split);
    expect(stratifiedSplit(labels, { testFraction: 0.3, seed: 2 }).test).not.toEqual(split.test);
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, { testFraction: 1 })).toThrow(RangeError);
  });
});

describe('standardizer', () => {
  it('uses the population standard deviation and maps constant features to 0', () => {
    const rows = [
      [1, 5],
      [3, 5],
    ];
    const s = fitStandardizer(rows);
    expect(s).toEqual({ mean: [2, 5], std: [1, 1] });
    expect(standardize(rows, s)).toEqual([
      [-1, 0],
      [1, 0],
    ]);
  });

  it('rounds when asked', () => {
    expect(fitStandardizer([[1], [2], [2]], 3)).toEqual({ mean: [1.667], std: [0.471] });
  });
});

describe('statistics', () => {
  it('interpolates quantiles linearly, like numpy', () => {
    const sorted = [1, 2, 3, 4];
    expect(quantile(sorted, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile(sorted, 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile(sorted, 0.95)).toBeCloseTo(3.85, 12);
    expect(quantile([7], 0.05)).toBe(7);
  });

  it('summarises each feature by name', () => {
    const stats = featureStatistics(
      [
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ],
      ['a', 'b'],
    );
    expect(Object.keys(stats)).toEqual(['a', 'b']);
    expect(stats.a).toMatchObject({ count: 4, mean: 2.5, min: 1, max: 4, p50: 2.5 });
    expect(stats.b?.std).toBeCloseTo(Math.sqrt(125), 12);
  });
});

describe('metrics', () => {
  it('computes accuracy and log loss', () => {
    expect(accuracy([0, 1, 2, 1], [0, 1, 1, 1])).toBe(0.75);
    expect(logLoss([0, 1], [[0.5, 0.5], [0.25, 0.75]])).toBeCloseTo(-(Math.log(0.5) + Math.log(0.75)) / 2, 12);
    expect(Number.isFinite(logLoss([0], [[0, 1]]))).toBe(true);
  });
});
