import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { resolveInsidePackage } from '../../src/package/package-path.js';
import { readPackage } from '../../src/package/read-package.js';

let dir: string;
let pkg: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlp-package-'));
  pkg = join(dir, 'pkg');
  await mkdir(join(pkg, 'assets'), { recursive: true });
  await writeFile(join(pkg, 'model.onnx'), 'weights');
  await writeFile(join(pkg, 'assets', 'labels.json'), '["a", "b"]');
  await writeFile(join(dir, 'secret.json'), '["host", "file"]');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withManifest(lines: string[]): Promise<string> {
  await writeFile(join(pkg, 'mlpatterns.model.yaml'), ['name: m', ...lines, ''].join('\n'));
  return pkg;
}

async function failure(promise: Promise<unknown>): Promise<MlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlError);
  return err as MlError;
}

describe('readPackage: paths in the manifest', () => {
  it('reads a labels file inside the package', async () => {
    const read = await readPackage(await withManifest(['labels: assets/labels.json']));
    expect(read.labels).toEqual(['a', 'b']);
    const dotted = await readPackage(await withManifest(['labels: ./assets/../assets/labels.json']));
    expect(dotted.labels).toEqual(['a', 'b']);
  });

  it.each([
    ['a parent folder', '../secret.json'],
    ['a nested escape', 'assets/../../secret.json'],
    ['an absolute path', '__ABS__'],
  ])('refuses a labels path into %s', async (_what, given) => {
    const labels = given === '__ABS__' ? join(dir, 'secret.json') : given;
    const err = await failure(readPackage(await withManifest([`labels: ${JSON.stringify(labels)}`])));
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.params).toEqual({
      path: join(pkg, 'mlpatterns.model.yaml'),
      reason: `labels path "${labels}" leaves the package folder`,
    });
  });

  it('refuses a model path outside the package, or the package folder itself', async () => {
    for (const model of ['../model.onnx', join(dir, 'model.onnx'), '.']) {
      const err = await failure(readPackage(await withManifest([`model: ${JSON.stringify(model)}`])));
      expect(err.code).toBe('INVALID_MANIFEST');
      expect(err.params.reason).toBe(`model path "${model}" leaves the package folder`);
    }
  });

  it('still takes a labels override from anywhere: the operator names it, not the package', async () => {
    const read = await readPackage(await withManifest(['labels: assets/labels.json']), { labelsFile: join(dir, 'secret.json') });
    expect(read.labels).toEqual(['host', 'file']);
  });
});

describe('resolveInsidePackage', () => {
  it('resolves paths inside and refuses the rest', () => {
    expect(resolveInsidePackage('/p/pkg', 'a/b.json')).toBe('/p/pkg/a/b.json');
    expect(resolveInsidePackage('/p/pkg', '..labels.json')).toBe('/p/pkg/..labels.json');
    expect(resolveInsidePackage('/p/pkg/', '/p/pkg/x.mjs')).toBe('/p/pkg/x.mjs');
    for (const outside of ['..', '../x', 'a/../../x', '/p/pkg-other/x', '/etc/passwd', '', '.', 'a/..']) {
      expect(resolveInsidePackage('/p/pkg', outside), outside).toBeUndefined();
    }
  });
});
