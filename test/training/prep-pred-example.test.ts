import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MANIFEST_FILE, manifestSchema } from '../../src/package/manifest.js';
import { loadOnnxModel } from '../../src/runtime/onnx/onnx-serving-function.js';
import { generatePatterns, PATTERN_CLASSES, PATTERN_SIZE, patternsDataset } from '../../src/training/datasets/patterns.js';
import { buildPrepPredExample } from '../../src/training/examples/prep-pred-example.js';
import { accuracy } from '../../src/training/metrics.js';

const EXAMPLE_DIR = join(import.meta.dirname, '..', '..', 'examples', 'prep-pred');
const MODEL_DIR = join(EXAMPLE_DIR, 'classifier');
const committedModel = readFileSync(join(MODEL_DIR, 'model.onnx'));
const committedManifest = readFileSync(join(MODEL_DIR, MANIFEST_FILE), 'utf8');

describe('synthetic pattern images', () => {
  it('are deterministic, 16x16 8-bit, classes interleaved', () => {
    const a = generatePatterns(4, 1);
    expect(a.map((image) => image.label)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(a.every((image) => image.pixels.length === PATTERN_SIZE * PATTERN_SIZE)).toBe(true);
    expect(generatePatterns(4, 1)).toEqual(a);
    expect(generatePatterns(4, 2)).not.toEqual(a);
  });

  it('draw each class where it belongs: bars across rows, bars across columns, bright diagonals', () => {
    const mean = (label: number, at: (x: number, y: number) => boolean): number => {
      let sum = 0;
      let count = 0;
      for (const image of generatePatterns(50, 3).filter((i) => i.label === label)) {
        image.pixels.forEach((v, p) => {
          if (!at(p % PATTERN_SIZE, Math.floor(p / PATTERN_SIZE))) return;
          sum += v;
          count++;
        });
      }
      return sum / count;
    };
    // Row 4 at the edges is inside a horizontal bar almost always, a vertical bar never.
    const rowEdge = (x: number, y: number): boolean => y === 4 && (x < 2 || x > 13);
    const colEdge = (x: number, y: number): boolean => x === 4 && (y < 2 || y > 13);
    const corners = (x: number, y: number): boolean => (x === y || x + y === PATTERN_SIZE - 1) && (x < 2 || x > 13);
    expect(mean(0, rowEdge)).toBeGreaterThan(mean(1, rowEdge) + 80);
    expect(mean(1, colEdge)).toBeGreaterThan(mean(0, colEdge) + 80);
    expect(mean(2, corners)).toBeGreaterThan(mean(0, corners) + 80);
  });
});

describe('examples/prep-pred/classifier (the prediction server package)', () => {
  const manifest = manifestSchema.parse(parse(committedManifest));

  it('has a manifest with the three labels and a 256-pixel input', () => {
    expect(manifest).toMatchObject({ name: 'patterns', runtime: 'onnx', preprocess: [] });
    expect(manifest.labels).toEqual([...PATTERN_CLASSES]);
    expect(manifest.signatures?.probabilities?.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: [-1, 256] }]);
    expect(manifest.metrics?.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('classifies fresh images (another seed) from their pixels in 0..1', async () => {
    const model = await loadOnnxModel(join(MODEL_DIR, 'model.onnx'), { signatures: manifest.signatures });
    try {
      const fresh = patternsDataset(generatePatterns(30, 99));
      const features = { dtype: 'float32' as const, shape: [fresh.labels.length, 256], data: Float32Array.from(fresh.features.flat()) };
      const out = await model.run({ features }, { signature: 'label' });
      expect(accuracy(fresh.labels, Array.from(out.label?.data as BigInt64Array, Number))).toBeGreaterThanOrEqual(0.95);
    } finally {
      await model.dispose();
    }
  });

  it('is up to date: rebuilding gives byte-identical model and manifest, and the committed samples hold the sample pixels', async () => {
    const rebuilt = buildPrepPredExample();
    expect(Buffer.from(rebuilt.modelBytes).equals(committedModel)).toBe(true);
    expect(rebuilt.manifestYaml).toBe(committedManifest);
    // Compared as pixels, not PNG bytes: another libpng/zlib may compress the same image differently.
    for (const sample of rebuilt.samples) {
      const png = readFileSync(join(EXAMPLE_DIR, 'samples', `${sample.name}.png`));
      expect(await sharp(png).metadata()).toMatchObject({ channels: 1, width: 64, height: 64 });
      const pixels = await sharp(png).resize(PATTERN_SIZE, PATTERN_SIZE, { kernel: 'nearest' }).toColourspace('b-w').raw().toBuffer();
      expect(Uint8Array.from(pixels)).toEqual(sample.pixels);
    }
  });
});
