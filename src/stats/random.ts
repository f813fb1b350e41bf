/**
 * Seedable randomness for serving-side decisions (Thompson sampling in bandit nodes, traffic
 * sampling): a replayable seed makes a bandit's choices reproducible in tests and incident replays.
 * Lives here, not in src/training, because training code must stay out of the serving import graph;
 * src/training/random.ts reuses this generator.
 */

/** A source of uniform numbers in [0, 1). `Math.random` fits, so does {@link mulberry32}. */
export type UniformSource = () => number;

/**
 * mulberry32: a 32-bit-state PRNG (Tommy Ettinger), fast and good enough for sampling — not for
 * cryptography. The same seed always yields the same sequence.
 */
export function mulberry32(seed: number): UniformSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller, one value per call so the stream stays simple to replay). */
export function sampleNormal(random: UniformSource): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A Gamma(shape, 1) draw by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables": d = shape − 1/3, c = 1/√(9d), accept v = (1 + c·x)³ with the squeeze then the log test.
 * For shape < 1 it uses Gamma(shape) = Gamma(shape + 1) · U^{1/shape}.
 */
export function sampleGamma(shape: number, random: UniformSource): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`sampleGamma needs a finite shape > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). Thompson sampling
 * draws one per variant from Beta(1 + successes, 1 + failures) and serves the largest.
 */
export function sampleBeta(alpha: number, beta: number, random: UniformSource): number {
  if (!(alpha > 0) || !(beta > 0)) throw new RangeError(`sampleBeta needs alpha > 0 and beta > 0, got ${alpha}, ${beta}`);
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x / (x + y);
}
