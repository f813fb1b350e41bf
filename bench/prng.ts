/**
 * A small seeded PRNG (mulberry32), so the generated benchmark model is the
 * same bytes on every run and machine: results stay comparable across commits.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-scale, scale). */
export function uniformArray(random: () => number, length: number, scale: number): number[] {
  return Array.from({ length }, () => (random() * 2 - 1) * scale);
}
