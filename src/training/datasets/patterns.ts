import type { Dataset } from '../dataset.js';
import { SeededRandom } from '../random.js';

/**
 * A synthetic image dataset made here, so the image examples need no download:
 * small grayscale pictures of three patterns, each drawn with its own jitter
 * (bar positions and thickness, brightness, noise). Positions jitter by a pixel
 * or two only, so the classes differ on average and a linear model can tell them apart.
 */
export const PATTERN_CLASSES = ['horizontal', 'vertical', 'cross'] as const;
export type PatternClass = (typeof PATTERN_CLASSES)[number];

/** Images are PATTERN_SIZE x PATTERN_SIZE pixels. */
export const PATTERN_SIZE = 16;

export interface PatternImage {
  /** Index into PATTERN_CLASSES. */
  readonly label: number;
  /** PATTERN_SIZE² 8-bit grayscale values, row-major. */
  readonly pixels: Uint8Array;
}

/**
 * `perClass` images of every class, classes interleaved (horizontal, vertical,
 * cross, horizontal, …). The same arguments always give the same pixels.
 */
export function generatePatterns(perClass: number, seed: number): PatternImage[] {
  const random = new SeededRandom(seed);
  const images: PatternImage[] = [];
  for (let i = 0; i < perClass; i++) {
    for (let label = 0; label < PATTERN_CLASSES.length; label++) images.push({ label, pixels: renderPattern(label, random) });
  }
  return images;
}

/** One image of class `label`, drawn with the next values of `random`. */
export function renderPattern(label: number, random: SeededRandom): Uint8Array {
  const n = PATTERN_SIZE;
  const background = random.uniform(0, 50);
  const foreground = random.uniform(170, 255);
  const inPattern = patternMask(label, random);
  const pixels = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const level = inPattern(x, y) ? foreground : background;
      pixels[y * n + x] = Math.round(Math.min(255, Math.max(0, level + random.normal(0, 18))));
    }
  }
  return pixels;
}

/** Whether pixel (x, y) belongs to the pattern; the jitter is drawn once per image. */
function patternMask(label: number, random: SeededRandom): (x: number, y: number) => boolean {
  const jitter = (): number => Math.floor(random.uniform(-1, 2)); // -1, 0 or 1
  const thickness = random.next() < 0.5 ? 2 : 3;
  switch (PATTERN_CLASSES[label]) {
    case 'horizontal': {
      const bars = [3 + jitter(), 10 + jitter()];
      return (_x, y) => bars.some((top) => y >= top && y < top + thickness);
    }
    case 'vertical': {
      const bars = [3 + jitter(), 10 + jitter()];
      return (x) => bars.some((left) => x >= left && x < left + thickness);
    }
    case 'cross': {
      // Two diagonals, an X; each shifted on its own.
      const down = jitter();
      const up = jitter();
      // 1 or 3 pixels along a row: as heavy as the bars, once both diagonals are counted.
      const reach = thickness - 2;
      return (x, y) => Math.abs(x - y - down) <= reach || Math.abs(x + y - (PATTERN_SIZE - 1) - up) <= reach;
    }
    default:
      throw new RangeError(`no pattern class ${label}`);
  }
}

/** Pixels scaled to 0..1 as features (what an image pre-processing step with scale 1/255 gives). */
export function patternsDataset(images: readonly PatternImage[]): Dataset {
  return {
    features: images.map((image) => Array.from(image.pixels, (v) => v / 255)),
    labels: images.map((image) => image.label),
    classNames: PATTERN_CLASSES,
    featureNames: Array.from({ length: PATTERN_SIZE * PATTERN_SIZE }, (_, i) => `px_${Math.floor(i / PATTERN_SIZE)}_${i % PATTERN_SIZE}`),
  };
}
