import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsArtifactStore } from '../../src/adapters/fs/index.js';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { MlError } from '../../src/errors/ml-error.js';
import { digestArtifact } from '../../src/ports/artifact-digest.js';
import type { MetadataStore, NewModelVersion } from '../../src/ports/metadata-store.js';
import { artifactKey, Registry } from '../../src/registry/registry.js';
import type { RegisteredVersion } from '../../src/registry/types.js';

let dir: string;
let metadata: MetadataStore;
let artifacts: FsArtifactStore;
let registry: Registry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlp-registry-'));
  metadata = await openSqliteMetadataStore({ path: ':memory:' });
  artifacts = new FsArtifactStore({ root: join(dir, 'artifacts') });
  registry = new Registry(metadata, artifacts);
});

afterEach(async () => {
  await metadata.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, 'src', name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

async function packageFolder(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, 'src', name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected an MlError').toBeInstanceOf(MlError);
  return (err as MlError).code;
}

/** The store with some methods replaced. */
function withMetadata(target: MetadataStore, overrides: Partial<MetadataStore>): MetadataStore {
  return new Proxy(target, {
    get(store, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof MetadataStore];
      const value: unknown = Reflect.get(store, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
    },
  });
}

async function artifactRootEntries(): Promise<string[]> {
  return readdir(join(dir, 'artifacts')).catch(() => []);
}

describe('register', () => {
  it('stores a bare .onnx file as version 1, as a folder holding the file', async () => {
    const path = await file('iris.onnx', 'onnx bytes');
    const version = await registry.register({ name: 'iris', path, source: 'notebook', tags: { team: 'ds' } });
    expect(version).toMatchObject({
      name: 'iris',
      version: 1,
      created: true,
      format: 'onnx',
      runtime: 'onnx',
      sizeBytes: 10,
      source: 'notebook',
    });
    expect(version.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const resolved = await registry.resolve('iris');
    expect(await readdir(resolved.localPath)).toEqual(['iris.onnx']);
    expect(await readFile(join(resolved.localPath, 'iris.onnx'), 'utf8')).toBe('onnx bytes');
    expect(resolved.localPath).toBe(join(dir, 'artifacts', 'iris', version.digest.replace(':', '-')));
    expect(version.artifactUri).toBe(artifacts.uri(artifactKey('iris', version.digest)));
    expect(await registry.tags('iris', 1)).toEqual({ team: 'ds' });
  });

  it('stores a package folder with everything in it', async () => {
    const path = await packageFolder('pkg', {
      'model.onnx': 'weights',
      'mlpatterns.model.yaml': 'name: fraud',
      'assets/labels.json': '["ok","fraud"]',
    });
    const version = await registry.register({ name: 'fraud', path, description: 'v1', metrics: { auc: 0.9 } });
    expect(version).toMatchObject({ version: 1, format: 'package', runtime: null, description: 'v1', metrics: { auc: 0.9 } });
    const { localPath } = await registry.resolve('fraud:1');
    expect(await readFile(join(localPath, 'assets', 'labels.json'), 'utf8')).toBe('["ok","fraud"]');
  });

  it('hands the validator a folder laid out like the stored artifact, and keeps what it learned', async () => {
    const path = await file('m.onnx', 'bytes');
    const seen: string[][] = [];
    const version = await registry.register({
      name: 'm',
      path,
      runtime: 'function',
      validate: async (localDir) => {
        seen.push(await readdir(localDir));
        return { runtime: 'onnx', format: 'onnx-model', manifest: { name: 'm' }, metrics: { acc: 1 }, dataset: 'd1' };
      },
    });
    expect(seen).toEqual([['m.onnx']]);
    // Explicit options win over what the validator found.
    expect(version).toMatchObject({
      runtime: 'function',
      format: 'onnx-model',
      manifest: { name: 'm' },
      metrics: { acc: 1 },
      dataset: 'd1',
    });
  });

  it('numbers new bytes as the next version', async () => {
    await registry.register({ name: 'm', path: await file('a.onnx', 'one') });
    const second = await registry.register({ name: 'm', path: await file('b.onnx', 'two') });
    expect(second.version).toBe(2);
    expect((await registry.versions('m')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('is idempotent: the same bytes return the existing version, still applying aliases and tags', async () => {
    const path = await file('m.onnx', 'same');
    const first = await registry.register({ name: 'm', path, tags: { a: '1' } });
    await registry.register({ name: 'm', path: await file('other.onnx', 'other') });
    const again = await registry.register({ name: 'm', path, alias: ['production'], tags: { b: '2' } });
    expect(again).toEqual({ ...first, created: false });
    expect((await registry.resolve('m@production')).version).toBe(1);
    expect(await registry.tags('m', 1)).toEqual({ a: '1', b: '2' });
    expect((await registry.versions('m')).length).toBe(2);
  });

  it('recognises its own stored copy of a file as the same version', async () => {
    const first = await registry.register({ name: 'm', path: await file('m.onnx', 'bytes') });
    const { localPath } = await registry.resolve('m:1');
    const copy = join(dir, 'copy');
    await mkdir(copy);
    await writeFile(join(copy, 'm.onnx'), await readFile(join(localPath, 'm.onnx')));
    expect(await registry.register({ name: 'm', path: copy })).toMatchObject({ version: first.version, created: false });
  });

  it('gives concurrent registers of the same bytes one version', async () => {
    const path = await file('m.onnx', 'racing bytes');
    const results = await Promise.all(Array.from({ length: 5 }, () => registry.register({ name: 'm', path })));
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await registry.versions('m')).toHaveLength(1);
    expect(await artifacts.exists(artifactKey('m', results[0]?.digest ?? ''))).toBe(true);
  });

  it('leaves nothing behind when validation rejects a corrupt file', async () => {
    const path = await file('corrupt.onnx', 'not a model');
    const err = await registry
      .register({
        name: 'm',
        path,
        alias: ['production'],
        validate: async () => {
          throw new Error('protobuf parsing failed');
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_MODEL_FILE' });
    expect((err as Error).message).toContain('protobuf parsing failed');
    expect(await registry.list()).toEqual([]);
    expect(await metadata.getModel('m')).toBeUndefined();
    expect(await artifactRootEntries()).toEqual([]);
  });

  it('passes a validator MlError through unchanged', async () => {
    const path = await file('m.onnx', 'x');
    const code = await codeOf(
      registry.register({
        name: 'm',
        path,
        validate: async () => {
          throw new MlError('INVALID_MANIFEST', { path, reason: 'no name' });
        },
      }),
    );
    expect(code).toBe('INVALID_MANIFEST');
  });

  it('keeps the stored artifact when the version row cannot be written', async () => {
    const failing = withMetadata(metadata, { createVersion: async () => Promise.reject(new Error('disk full')) });
    const path = await file('m.onnx', 'bytes');
    await expect(new Registry(failing, artifacts).register({ name: 'm', path })).rejects.toThrow('disk full');
    expect(await registry.list()).toEqual([]);
    // An orphan: harmless, reused by the next register of these bytes (and for a later gc to sweep).
    expect(await readdir(join(dir, 'artifacts', 'm'))).toHaveLength(1);
    const again = await registry.register({ name: 'm', path });
    expect(again.created).toBe(true);
    expect(await readFile(join((await registry.resolve('m:1')).localPath, 'm.onnx'), 'utf8')).toBe('bytes');
  });

  it('never deletes an artifact a concurrent register of the same bytes is about to point at', async () => {
    // A stores the artifact, then fails to write its row; meanwhile B finds the artifact in place
    // (its put returns false) and writes its row only after A has given up.
    const path = await file('m.onnx', 'shared bytes');
    let bAtCreate!: () => void;
    const bReachedCreate = new Promise<void>((resolve) => (bAtCreate = resolve));
    let releaseB!: () => void;
    const aDone = new Promise<void>((resolve) => (releaseB = resolve));
    const b = new Registry(
      withMetadata(metadata, {
        createVersion: async (input: NewModelVersion) => {
          bAtCreate();
          await aDone;
          return metadata.createVersion(input);
        },
      }),
      artifacts,
    );
    let bRegister: Promise<RegisteredVersion> | undefined;
    const a = new Registry(
      withMetadata(metadata, {
        createVersion: async () => {
          bRegister = b.register({ name: 'm', path });
          await bReachedCreate;
          throw new Error('connection reset');
        },
      }),
      artifacts,
    );
    await expect(a.register({ name: 'm', path })).rejects.toThrow('connection reset');
    releaseB();
    const registered = await bRegister;
    expect(registered).toMatchObject({ version: 1, created: true });
    const { localPath } = await registry.resolve('m:1');
    expect(await readFile(join(localPath, 'm.onnx'), 'utf8')).toBe('shared bytes');
  });

  it('validates, hashes and stores one copy, even when the source changes while it is registered', async () => {
    const path = await packageFolder('moving', { 'model.onnx': 'validated bytes', 'mlpatterns.model.yaml': 'name: m' });
    const seen: string[] = [];
    const version = await registry.register({
      name: 'm',
      path,
      validate: async (localDir) => {
        seen.push(await readFile(join(localDir, 'model.onnx'), 'utf8'));
        // Someone rewrites the source after it was validated.
        await writeFile(join(path, 'model.onnx'), 'swapped bytes');
        return {};
      },
    });
    expect(seen).toEqual(['validated bytes']);
    const { localPath } = await registry.resolve('m:1');
    expect(await readFile(join(localPath, 'model.onnx'), 'utf8')).toBe('validated bytes');
    expect((await digestArtifact(localPath)).digest).toBe(version.digest);
    expect(version.sizeBytes).toBe('validated bytes'.length + 'name: m'.length);
    expect(await artifactRootEntries()).toEqual(['m']); // the staging folder is gone
  });

  it('names the source, not the staging folder, in a validator error', async () => {
    const path = await file('m.onnx', 'x');
    const err = await registry
      .register({
        name: 'm',
        path,
        validate: async (localDir) => {
          throw new MlError('INVALID_MANIFEST', { path: localDir, reason: `cannot read ${join(localDir, 'm.onnx')}` });
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_MANIFEST', params: { path, reason: `cannot read ${path}` } });
    expect(await artifactRootEntries()).toEqual([]);
  });

  it.each(['a/b', '..', 'x\u0001', 'a..b', '', '.x'])('refuses the model name %j before touching anything', async (name) => {
    const path = await file('m.onnx', 'x');
    expect(await codeOf(registry.register({ name, path }))).toBe('INVALID_MODEL_NAME');
    expect(await artifactRootEntries()).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString'])('refuses %j as a model name or an alias', async (key) => {
    const path = await file('m.onnx', 'x');
    expect(await codeOf(registry.register({ name: key, path }))).toBe('INVALID_MODEL_NAME');
    expect(await codeOf(registry.register({ name: 'm', path, alias: [key] }))).toBe('INVALID_REFERENCE');
    expect(await artifactRootEntries()).toEqual([]);
    await registry.register({ name: 'm', path });
    expect(await codeOf(registry.setAlias('m', key, 1))).toBe('INVALID_REFERENCE');
    expect(await codeOf(registry.resolve(`m@${key}`))).toBe('INVALID_REFERENCE');
    expect(await codeOf(registry.versions(key))).toBe('INVALID_MODEL_NAME');
    expect((await registry.list()).map((m) => Object.keys(m.aliases))).toEqual([[]]);
  });

  it('refuses bad aliases and tags before touching anything', async () => {
    const path = await file('m.onnx', 'x');
    expect(await codeOf(registry.register({ name: 'm', path, alias: ['a/b'] }))).toBe('INVALID_REFERENCE');
    expect(await codeOf(registry.register({ name: 'm', path, tags: { '': 'x' } }))).toBe('INVALID_REQUEST');
    expect(await codeOf(registry.register({ name: 'm', path, tags: { k: 'line\nbreak' } }))).toBe('INVALID_REQUEST');
    expect(await registry.list()).toEqual([]);
  });

  it('refuses a missing path and an empty folder', async () => {
    expect(await codeOf(registry.register({ name: 'm', path: join(dir, 'nope.onnx') }))).toBe('INVALID_MODEL_FILE');
    await mkdir(join(dir, 'empty'));
    expect(await codeOf(registry.register({ name: 'm', path: join(dir, 'empty') }))).toBe('INVALID_MODEL_FILE');
    expect(await registry.list()).toEqual([]);
  });
});

describe('resolve', () => {
  let digests: string[];

  beforeEach(async () => {
    digests = [];
    for (const content of ['one', 'two', 'three']) {
      digests.push((await registry.register({ name: 'm', path: await file(`${content}.onnx`, content) })).digest);
    }
  });

  it('follows production for a plain name, else the latest version', async () => {
    expect((await registry.resolve('m')).version).toBe(3);
    await registry.setAlias('m', 'production', 2);
    expect((await registry.resolve('m')).version).toBe(2);
  });

  it('resolves name@alias, name:version and name:sha256:prefix', async () => {
    await registry.setAlias('m', 'candidate', 1);
    expect((await registry.resolve('m@candidate')).version).toBe(1);
    expect((await registry.resolve('m:2')).version).toBe(2);
    const second = digests[1] ?? '';
    expect((await registry.resolve(`m:${second.slice(0, 'sha256:'.length + 8)}`)).version).toBe(2);
    expect((await registry.resolve(`m:${second.toUpperCase().replace('SHA256', 'sha256')}`)).version).toBe(2);
    expect((await registry.resolve(`m:${second}`)).localPath).toContain(second.replace(':', '-'));
  });

  it('says what is missing: model, version or alias', async () => {
    expect(await codeOf(registry.resolve('nope'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.resolve('nope:1'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.resolve('nope@production'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.resolve('m:4'))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(registry.resolve('m:sha256:00000000'))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(registry.resolve('m@staging'))).toBe('ALIAS_NOT_FOUND');
    expect(await codeOf(registry.resolve('m:x'))).toBe('INVALID_REFERENCE');
    expect(await codeOf(registry.resolve('a/b:1'))).toBe('INVALID_MODEL_NAME');
  });

  it('reports an artifact that vanished from the store', async () => {
    await artifacts.delete(artifactKey('m', digests[0] ?? ''));
    expect(await codeOf(registry.resolve('m:1'))).toBe('STORE_UNAVAILABLE');
    expect((await registry.get('m:1')).version).toBe(1);
  });
});

describe('aliases and tags', () => {
  beforeEach(async () => {
    await registry.register({ name: 'm', path: await file('a.onnx', 'a'), alias: ['production'], actor: 'ci' });
    await registry.register({ name: 'm', path: await file('b.onnx', 'b') });
  });

  it('moves an alias and keeps the history a rollback needs', async () => {
    await registry.setAlias('m', 'production', 2, { actor: 'alice', reason: 'better auc' });
    expect((await registry.resolve('m@production')).version).toBe(2);
    const history = await registry.aliasHistory('m', 'production');
    expect(history.map((h) => [h.fromVersion, h.toVersion, h.actor])).toEqual([
      [null, 1, 'ci'],
      [1, 2, 'alice'],
    ]);
    expect((await registry.aliases('m')).map((a) => [a.alias, a.version])).toEqual([['production', 2]]);
  });

  it('lists models with their latest version and aliases', async () => {
    const [model] = await registry.list();
    expect(model).toMatchObject({ name: 'm', latestVersion: 2, latest: { version: 2 }, aliases: { production: 1 } });
  });

  it('refuses to point an alias at nothing', async () => {
    expect(await codeOf(registry.setAlias('m', 'production', 3))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(registry.setAlias('nope', 'production', 1))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.setAlias('m', 'bad/alias', 1))).toBe('INVALID_REFERENCE');
    expect((await registry.resolve('m@production')).version).toBe(1);
  });

  it('removes an alias; a plain name then follows the latest version', async () => {
    await registry.removeAlias('m', 'production');
    expect((await registry.resolve('m')).version).toBe(2);
    expect(await codeOf(registry.removeAlias('m', 'production'))).toBe('ALIAS_NOT_FOUND');
    expect(await codeOf(registry.removeAlias('nope', 'production'))).toBe('MODEL_NOT_FOUND');
  });

  it('merges and removes tags', async () => {
    await registry.setTags('m', 1, { stage: 'prod', owner: 'x' });
    expect(await registry.setTags('m', 1, { owner: null })).toEqual({ stage: 'prod' });
    expect(await codeOf(registry.setTags('m', 9, { a: 'b' }))).toBe('VERSION_NOT_FOUND');
    expect(await codeOf(registry.tags('m', 9))).toBe('VERSION_NOT_FOUND');
  });

  it('reports unknown models when listing', async () => {
    expect(await codeOf(registry.versions('nope'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.aliases('nope'))).toBe('MODEL_NOT_FOUND');
  });
});
