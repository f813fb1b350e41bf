/**
 * Builds the generated parts of examples/prep-pred/: the prediction server's
 * package (classifier/model.onnx and its manifest) and the sample images
 * (samples/*.png). The model is trained here on synthetic images, so nothing is
 * downloaded. Deterministic: re-running it rewrites byte-identical files (with
 * the same sharp/libpng build), so a diff means the training code changed.
 *
 *   npx tsx scripts/build-prep-pred-example.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { MANIFEST_FILE } from '../src/package/manifest.js';
import { PATTERN_SIZE } from '../src/training/datasets/patterns.js';
import { buildPrepPredExample } from '../src/training/examples/prep-pred-example.js';

/** Samples are written this many times larger than the model's input, so the prep service has real resizing to do. */
const SAMPLE_UPSCALE = 4;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const exampleDir = join(root, 'examples', 'prep-pred');
const modelDir = join(exampleDir, 'classifier');
const samplesDir = join(exampleDir, 'samples');

const example = buildPrepPredExample();
mkdirSync(modelDir, { recursive: true });
mkdirSync(samplesDir, { recursive: true });
writeFileSync(join(modelDir, 'model.onnx'), example.modelBytes);
writeFileSync(join(modelDir, MANIFEST_FILE), example.manifestYaml);

const side = PATTERN_SIZE * SAMPLE_UPSCALE;
for (const sample of example.samples) {
  const png = await sharp(Buffer.from(sample.pixels), { raw: { width: PATTERN_SIZE, height: PATTERN_SIZE, channels: 1 } })
    .resize(side, side, { kernel: 'nearest' })
    .toColourspace('b-w') // one channel in the file too (sharp would widen it to RGB)
    .png()
    .toBuffer();
  writeFileSync(join(samplesDir, `${sample.name}.png`), png);
}

const metrics = Object.entries(example.manifest.metrics ?? {})
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(`wrote ${relative(root, modelDir)}/{model.onnx,${MANIFEST_FILE}} (${example.modelBytes.length} bytes; ${metrics})`);
console.log(`wrote ${relative(root, samplesDir)}/{${example.samples.map((s) => `${s.name}.png`).join(',')}} (${side}x${side} grayscale)`);
