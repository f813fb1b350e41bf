import { mulberry32, type UniformSource } from '../stats/random.js';

/**
 * A seeded pseudo-random generator (mulberry32): training must be reproducible
 * bit for bit, so nothing here touches Math.random. 32-bit state is plenty for
 * weight initialisation and shuffling small datasets.
 */
export class SeededRandom {
  // The generator itself lives in src/stats/random.ts so serving code (bandits) shares it without importing training.
  private readonly uniform01: UniformSource;

  constructor(seed: number) {
    this.uniform01 = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform01();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box-Muller; one draw per call keeps the sequence simple to reason about). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}
