import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { digestArtifact } from '../../src/ports/artifact-digest.js';
import type { ArtifactStore } from '../../src/ports/artifact-store.js';

/**
 * The one contract every ArtifactStore adapter passes (style.md #2). The
 * factory opens a store over fresh, empty storage.
 */
export type ArtifactStoreFactory = () => Promise<ArtifactStore>;

export function artifactStoreContract(open: ArtifactStoreFactory): void {
  let store: ArtifactStore;
  let sources: string;

  beforeEach(async () => {
    store = await open();
    sources = await mkdtemp(join(tmpdir(), 'mlp-artifact-src-'));
  });

  afterEach(async () => {
    await rm(sources, { recursive: true, force: true });
  });

  const folder = async (name: string, files: Record<string, string>): Promise<string> => {
    const root = join(sources, name);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return root;
  };

  it('stores a folder, nested files included, under a key', async () => {
    const source = await folder('pkg', { 'model.onnx': 'weights', 'mlpatterns.model.yaml': 'name: m', 'data/labels.json': '[]' });
    expect(await store.exists('m/sha256-1')).toBe(false);
    expect(await store.put('m/sha256-1', source)).toBe(true);
    expect(await store.exists('m/sha256-1')).toBe(true);
    const local = await store.localPath('m/sha256-1');
    expect(await readFile(join(local, 'data', 'labels.json'), 'utf8')).toBe('[]');
    expect((await digestArtifact(local)).digest).toBe((await digestArtifact(source)).digest);
  });

  it('stores a bare file as a folder holding it under its own name', async () => {
    const source = join(await folder('src', { 'iris.onnx': 'bytes' }), 'iris.onnx');
    expect(await store.put('iris/v', source)).toBe(true);
    const local = await store.localPath('iris/v');
    expect(await readdir(local)).toEqual(['iris.onnx']);
    expect(await readFile(join(local, 'iris.onnx'), 'utf8')).toBe('bytes');
    expect((await digestArtifact(local)).digest).toBe((await digestArtifact(source)).digest);
  });

  it('keeps keys write-once: a second put leaves the stored artifact', async () => {
    await store.put('m/k', await folder('a', { 'f.txt': 'first' }));
    expect(await store.put('m/k', await folder('b', { 'f.txt': 'second' }))).toBe(false);
    expect(await readFile(join(await store.localPath('m/k'), 'f.txt'), 'utf8')).toBe('first');
  });

  it('lets exactly one of several racing puts store the artifact', async () => {
    const source = await folder('pkg', { 'model.onnx': 'x'.repeat(100_000), 'a/b/c.txt': 'deep' });
    const results = await Promise.all(Array.from({ length: 6 }, () => store.put('m/race', source)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await digestArtifact(await store.localPath('m/race'))).digest).toBe((await digestArtifact(source)).digest);
  });

  it('shows nothing under the key when a put fails', async () => {
    const source = await folder('broken', { 'a.bin': 'fine' });
    // A file that cannot be read: the artifact cannot be copied.
    await symlink(join(sources, 'missing'), join(source, 'z.bin'));
    await expect(store.put('m/broken', source)).rejects.toThrow();
    expect(await store.exists('m/broken')).toBe(false);
    await rm(join(source, 'z.bin'));
    expect(await store.put('m/broken', source)).toBe(true);
  });

  it('deletes an artifact; deleting a missing key is fine', async () => {
    await store.put('m/d', await folder('d', { 'f.txt': 'x' }));
    await store.delete('m/d');
    expect(await store.exists('m/d')).toBe(false);
    await store.delete('m/d');
    await store.delete('never/there');
    await expect(store.localPath('m/d')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('refuses keys that could escape the store', async () => {
    const source = await folder('s', { 'f.txt': 'x' });
    for (const key of ['', '../x', 'a/../b', '/abs', 'a//b', '.hidden', 'a/.staging', 'a\\b', 'a/b/']) {
      await expect(store.put(key, source), key).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(store.exists(key), key).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });

  it('stages an artifact in a private folder and commits it under a key (when it can stage)', async () => {
    if (store.stage === undefined) return; // optional: callers fall back to put
    const staged = await store.stage();
    expect(await readdir(staged.path)).toEqual([]);
    await mkdir(join(staged.path, 'data'));
    await writeFile(join(staged.path, 'model.onnx'), 'weights');
    await writeFile(join(staged.path, 'data', 'labels.json'), '[]');
    const digest = (await digestArtifact(staged.path)).digest;
    expect(await store.exists('m/staged')).toBe(false);
    expect(await staged.commit('m/staged')).toBe(true);
    await staged.discard();
    await staged.discard();
    const local = await store.localPath('m/staged');
    expect((await digestArtifact(local)).digest).toBe(digest);
  });

  it('keeps the stored artifact when a staged commit finds its key taken', async () => {
    if (store.stage === undefined) return;
    await store.put('m/k', await folder('a', { 'f.txt': 'first' }));
    const staged = await store.stage();
    await writeFile(join(staged.path, 'f.txt'), 'second');
    expect(await staged.commit('m/k')).toBe(false);
    await staged.discard();
    expect(await readFile(join(await store.localPath('m/k'), 'f.txt'), 'utf8')).toBe('first');
  });

  it('shows nothing when a staged artifact is discarded without a commit', async () => {
    if (store.stage === undefined) return;
    const staged = await store.stage();
    await writeFile(join(staged.path, 'f.txt'), 'never stored');
    await staged.discard();
    expect(await store.exists('m/discarded')).toBe(false);
    await expect(readdir(staged.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names where a key lives with a URI', () => {
    expect(store.uri('m/sha256-1')).toMatch(/^[a-z][a-z0-9+.-]*:\/\/.*m\/sha256-1$/);
  });
}
