import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { readPackage } from '../../src/package/read-package.js';
import { loadModel } from '../../src/serving/load-model.js';
import { predict } from '../../src/serving/predict.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';

/** A package around the iris example's model.onnx with the given manifest body. */
async function packageWith(dir: string, name: string, manifest: string, files: Record<string, string> = {}): Promise<string> {
  const pkg = path.join(dir, name);
  await rm(pkg, { recursive: true, force: true });
  await mkdir(pkg);
  await copyFile(path.join(IRIS_EXAMPLE, 'model.onnx'), path.join(pkg, 'model.onnx'));
  await writeFile(path.join(pkg, 'mlpatterns.model.yaml'), manifest);
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(pkg, file), text);
  return pkg;
}

describe('package checks at load and predict time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-pkg-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('refuses declared inputs the model would refuse when there is no pre-processing', async () => {
    const pkg = await packageWith(
      dir,
      'loose',
      'name: loose\nsignatures:\n  probabilities:\n    inputs: [{name: features, dtype: float64, shape: [-1, 4]}]\n    outputs: [probabilities]\n',
    );
    const err = await loadModel(await readPackage(pkg)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlError);
    expect((err as MlError).code).toBe('INVALID_MANIFEST');
    expect((err as MlError).message).toContain('float64');
  });

  it('answers 500 INTERNAL, not a client error, when a broken post-processing step drops the outputs', async () => {
    const pkg = await packageWith(dir, 'broken', 'name: broken\npostprocess:\n  - {type: module, path: drop.mjs}\n', {
      'drop.mjs': 'export default (ctx) => ({ ...ctx, tensors: {} });\n',
    });
    const model = await loadModel(await readPackage(pkg));
    try {
      const err = await predict(model, { instances: [[1, 2, 3, 4]] }, 'r').catch((e: unknown) => e);
      expect((err as MlError).code).toBe('INTERNAL');
      expect((err as MlError).status).toBe(500);
    } finally {
      await model.dispose();
    }
  });
});
