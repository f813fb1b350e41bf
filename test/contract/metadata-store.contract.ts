import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MlError } from '../../src/errors/ml-error.js';
import type { MetadataStore, NewModelVersion } from '../../src/ports/metadata-store.js';

/**
 * The one contract every MetadataStore adapter passes (style.md #2). Each
 * adapter's test file calls `metadataStoreContract` with a factory that opens
 * a store on a fresh, empty database.
 */
export interface OpenedMetadataStore {
  readonly store: MetadataStore;
  /** Opens another store on the same database: a restart, or a second process. */
  readonly reopen: () => Promise<MetadataStore>;
}

export type MetadataStoreFactory = () => Promise<OpenedMetadataStore>;

const hex = (n: number): string => n.toString(16).padStart(64, '0');

function newVersion(name: string, n: number, extra: Partial<NewModelVersion> = {}): NewModelVersion {
  return { name, digest: `sha256:${hex(n)}`, artifactUri: `file:///artifacts/${name}/${n}`, sizeBytes: 100 + n, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<MlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(Error);
  return err as MlError;
}

export function metadataStoreContract(open: MetadataStoreFactory): void {
  let store: MetadataStore;
  let reopen: () => Promise<MetadataStore>;
  const extra: MetadataStore[] = [];

  beforeEach(async () => {
    ({ store, reopen } = await open());
  });

  afterEach(async () => {
    for (const other of extra.splice(0)) await other.close();
    await store.close();
  });

  const another = async (): Promise<MetadataStore> => {
    const second = await reopen();
    extra.push(second);
    return second;
  };

  describe('versions', () => {
    it('numbers versions from 1, per model', async () => {
      expect((await store.createVersion(newVersion('a', 1))).version).toBe(1);
      expect((await store.createVersion(newVersion('a', 2))).version).toBe(2);
      expect((await store.createVersion(newVersion('b', 3))).version).toBe(1);
      expect((await store.createVersion(newVersion('a', 4))).version).toBe(3);
    });

    it('round-trips every field', async () => {
      const input: NewModelVersion = {
        name: 'iris',
        digest: `sha256:${hex(7)}`,
        artifactUri: 'file:///x/iris/sha256-7',
        sizeBytes: 5_000_000_000,
        runtime: 'onnx',
        format: 'package',
        source: 'run:42',
        params: { depth: 3, nested: { list: [1, 'two', null], flag: true } },
        metrics: { accuracy: 0.97, f1: 0.5 },
        dataset: 'iris-2024',
        description: 'Iris — ünïcode ✓',
        manifest: { name: 'iris', signatures: { default: { outputs: ['label'] } } },
      };
      const created = await store.createVersion(input);
      const { tags: _tags, ...fields } = input;
      expect(created).toMatchObject({ ...fields, version: 1 });
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(await store.getVersion('iris', 1)).toEqual(created);
      expect(await store.findVersionByDigest('iris', input.digest)).toEqual(created);
    });

    it('stores absent optional fields as null and empty objects', async () => {
      const created = await store.createVersion(newVersion('m', 1));
      expect(created).toMatchObject({
        runtime: null,
        format: null,
        source: null,
        dataset: null,
        description: null,
        manifest: null,
        params: {},
        metrics: {},
      });
    });

    it('returns undefined / [] for what does not exist', async () => {
      await store.createVersion(newVersion('m', 1));
      expect(await store.getModel('nope')).toBeUndefined();
      expect(await store.getVersion('m', 2)).toBeUndefined();
      expect(await store.getVersion('nope', 1)).toBeUndefined();
      expect(await store.findVersionByDigest('m', `sha256:${hex(2)}`)).toBeUndefined();
      expect(await store.findVersionByDigest('other', `sha256:${hex(1)}`)).toBeUndefined();
      expect(await store.listVersions('nope')).toEqual([]);
      expect(await store.getTags('m', 9)).toEqual({});
    });

    it('refuses a second version with the same digest without using up a number', async () => {
      await store.createVersion(newVersion('m', 1));
      const err = await rejection(store.createVersion(newVersion('m', 1)));
      expect(err.code).toBe('INVALID_REQUEST');
      expect((await store.createVersion(newVersion('m', 2))).version).toBe(2);
      // The same bytes under another model are another model's version.
      expect((await store.createVersion(newVersion('other', 1))).version).toBe(1);
    });

    it('lists versions oldest first', async () => {
      for (const n of [5, 3, 9]) await store.createVersion(newVersion('m', n));
      const versions = await store.listVersions('m');
      expect(versions.map((v) => [v.version, v.digest])).toEqual([
        [1, `sha256:${hex(5)}`],
        [2, `sha256:${hex(3)}`],
        [3, `sha256:${hex(9)}`],
      ]);
    });
  });

  describe('models', () => {
    it('creates the model with its first version and tracks the latest', async () => {
      await store.createVersion(newVersion('m', 1, { description: 'first' }));
      await store.createVersion(newVersion('m', 2, { description: 'second' }));
      const model = await store.getModel('m');
      expect(model).toMatchObject({ name: 'm', description: 'first', latestVersion: 2 });
      expect(new Date(model?.createdAt ?? '').toISOString()).toBe(model?.createdAt);
    });

    it('lists models by name (code-point order) with latest version and aliases', async () => {
      await store.createVersion(newVersion('beta', 1));
      await store.createVersion(newVersion('Zeta', 2));
      await store.createVersion(newVersion('alpha', 3));
      await store.createVersion(newVersion('beta', 4));
      await store.setAlias('beta', 'production', 1);
      await store.setAlias('beta', 'candidate', 2);
      const models = await store.listModels();
      expect(models.map((m) => m.name)).toEqual(['Zeta', 'alpha', 'beta']);
      const beta = models[2];
      expect(beta?.latest).toEqual(await store.getVersion('beta', 2));
      expect(beta?.latestVersion).toBe(2);
      expect(beta?.aliases).toEqual({ candidate: 2, production: 1 });
      expect(models[0]?.aliases).toEqual({});
    });

    it('lists aliases whose names are Object.prototype keys as plain data', async () => {
      // The registry refuses such names; the store must still not lose them or touch a prototype.
      await store.createVersion(newVersion('m', 1));
      await store.createVersion(newVersion('m', 2));
      await store.setAlias('m', '__proto__', 1);
      await store.setAlias('m', 'constructor', 2);
      await store.setAlias('m', 'production', 2);
      const [model] = await store.listModels();
      const aliases = model?.aliases ?? {};
      expect(Object.keys(aliases).sort()).toEqual(['__proto__', 'constructor', 'production']);
      expect(Object.getOwnPropertyDescriptor(aliases, '__proto__')?.value).toBe(1);
      expect(Object.getOwnPropertyDescriptor(aliases, 'constructor')?.value).toBe(2);
      expect(JSON.parse(JSON.stringify(aliases)) as unknown).toEqual({ production: 2, constructor: 2, ['__proto__']: 1 });
      // Absent names read as absent, not as inherited members.
      expect(Reflect.get(aliases, 'toString')).toBeUndefined();
    });

    it('lists nothing on an empty store', async () => {
      expect(await store.listModels()).toEqual([]);
    });
  });

  describe('aliases', () => {
    beforeEach(async () => {
      for (const n of [1, 2, 3]) await store.createVersion(newVersion('m', n));
    });

    it('creates, moves and reads an alias', async () => {
      const created = await store.setAlias('m', 'production', 1);
      expect(created).toMatchObject({ name: 'm', alias: 'production', version: 1 });
      expect(await store.getAlias('m', 'production')).toEqual(created);
      const moved = await store.setAlias('m', 'production', 3);
      expect(moved.version).toBe(3);
      expect(await store.getAlias('m', 'production')).toEqual(moved);
      expect(await store.getAlias('m', 'nope')).toBeUndefined();
      expect(await store.getAlias('nope', 'production')).toBeUndefined();
    });

    it('lists aliases by name', async () => {
      await store.setAlias('m', 'staging', 2);
      await store.setAlias('m', 'candidate', 3);
      await store.setAlias('m', 'production', 1);
      const aliases = await store.listAliases('m');
      expect(aliases.map((a) => [a.alias, a.version])).toEqual([
        ['candidate', 3],
        ['production', 1],
        ['staging', 2],
      ]);
      expect(await store.listAliases('nope')).toEqual([]);
    });

    it('records who moved an alias, from where to where', async () => {
      await store.setAlias('m', 'production', 1, { actor: 'alice', reason: 'first release' });
      await store.setAlias('m', 'production', 1, { actor: 'bob' }); // no change: not recorded
      await store.setAlias('m', 'production', 2, { actor: 'bob' });
      await store.setAlias('m', 'candidate', 3);
      expect(await store.deleteAlias('m', 'production', { actor: 'carol', reason: 'incident' })).toBe(true);
      const history = await store.listAliasHistory('m', 'production');
      expect(history.map(({ changedAt: _at, ...change }) => change)).toEqual([
        { name: 'm', alias: 'production', fromVersion: null, toVersion: 1, actor: 'alice', reason: 'first release' },
        { name: 'm', alias: 'production', fromVersion: 1, toVersion: 2, actor: 'bob', reason: null },
        { name: 'm', alias: 'production', fromVersion: 2, toVersion: null, actor: 'carol', reason: 'incident' },
      ]);
      for (const change of history) expect(new Date(change.changedAt).toISOString()).toBe(change.changedAt);
      expect((await store.listAliasHistory('m')).map((c) => c.alias)).toEqual([
        'production',
        'production',
        'candidate',
        'production',
      ]);
      expect(await store.listAliasHistory('nope')).toEqual([]);
    });

    it('deletes an alias, and says when there was none', async () => {
      await store.setAlias('m', 'production', 1);
      expect(await store.deleteAlias('m', 'production')).toBe(true);
      expect(await store.getAlias('m', 'production')).toBeUndefined();
      expect(await store.deleteAlias('m', 'production')).toBe(false);
      expect(await store.deleteAlias('nope', 'production')).toBe(false);
    });

    it('refuses to point at a model or version that does not exist', async () => {
      expect((await rejection(store.setAlias('m', 'production', 4))).code).toBe('VERSION_NOT_FOUND');
      expect((await rejection(store.setAlias('nope', 'production', 1))).code).toBe('MODEL_NOT_FOUND');
      expect(await store.getAlias('m', 'production')).toBeUndefined();
      expect(await store.listAliasHistory('m')).toEqual([]);
    });
  });

  describe('tags', () => {
    beforeEach(async () => {
      await store.createVersion(newVersion('m', 1, { tags: { team: 'search', stage: 'dev' } }));
    });

    it('writes tags with the version', async () => {
      expect(await store.getTags('m', 1)).toEqual({ stage: 'dev', team: 'search' });
    });

    it('merges, overwrites and removes tags', async () => {
      const tags = await store.setTags('m', 1, { stage: 'prod', owner: 'ml@example.com', team: null });
      expect(tags).toEqual({ owner: 'ml@example.com', stage: 'prod' });
      expect(await store.getTags('m', 1)).toEqual(tags);
      expect(await store.setTags('m', 1, {})).toEqual(tags);
    });

    it('keeps tags per version', async () => {
      await store.createVersion(newVersion('m', 2));
      await store.setTags('m', 2, { stage: 'canary' });
      expect(await store.getTags('m', 1)).toEqual({ stage: 'dev', team: 'search' });
      expect(await store.getTags('m', 2)).toEqual({ stage: 'canary' });
    });

    it('refuses to tag a version that does not exist', async () => {
      expect((await rejection(store.setTags('m', 2, { a: 'b' }))).code).toBe('VERSION_NOT_FOUND');
      expect((await rejection(store.setTags('nope', 1, { a: 'b' }))).code).toBe('MODEL_NOT_FOUND');
    });
  });

  describe('durability and concurrency', () => {
    it('keeps everything across a reopen (migrations run again harmlessly)', async () => {
      await store.createVersion(newVersion('m', 1, { tags: { a: 'b' } }));
      await store.setAlias('m', 'production', 1);
      const second = await another();
      expect(await second.getVersion('m', 1)).toEqual(await store.getVersion('m', 1));
      expect(await second.getAlias('m', 'production')).toEqual(await store.getAlias('m', 'production'));
      expect(await second.getTags('m', 1)).toEqual({ a: 'b' });
      expect((await second.createVersion(newVersion('m', 2))).version).toBe(2);
    });

    it('gives 10 concurrent creates of a new model versions 1..10, no duplicates', async () => {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.createVersion(newVersion('race', i + 1))),
      );
      expect(created.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await store.getModel('race'))?.latestVersion).toBe(10);
    });

    it('numbers versions without gaps or duplicates when two stores register at once', async () => {
      const second = await another();
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : second).createVersion(newVersion('race', i + 1))),
      );
      expect(created.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Each number went to exactly the digest its row holds.
      for (const version of created) expect((await store.getVersion('race', version.version))?.digest).toBe(version.digest);
    });

    it('keeps the alias history a chain when moves race', async () => {
      for (let n = 1; n <= 5; n++) await store.createVersion(newVersion('m', n));
      const second = await another();
      await Promise.all([1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((v, i) => (i % 2 ? store : second).setAlias('m', 'production', v)));
      const history = await store.listAliasHistory('m', 'production');
      expect(history[0]?.fromVersion).toBeNull();
      for (let i = 1; i < history.length; i++) expect(history[i]?.fromVersion).toBe(history[i - 1]?.toVersion);
      expect((await store.getAlias('m', 'production'))?.version).toBe(history.at(-1)?.toVersion);
    });
  });
}
