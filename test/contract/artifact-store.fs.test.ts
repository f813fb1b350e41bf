import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsArtifactStore } from '../../src/adapters/fs/index.js';
import { artifactStoreContract } from './artifact-store.contract.js';

const dirs: string[] = [];
const freshDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-fs-store-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('ArtifactStore contract: filesystem', () => {
  artifactStoreContract(async () => new FsArtifactStore({ root: join(await freshDir(), 'artifacts') }));
});

describe('filesystem adapter specifics', () => {
  it('returns the real folder and a file: URI', async () => {
    const root = join(await freshDir(), 'artifacts');
    const source = join(await freshDir(), 'm.onnx');
    await writeFile(source, 'x');
    const store = new FsArtifactStore({ root });
    await store.put('m/k', source);
    expect(await store.localPath('m/k')).toBe(join(root, 'm', 'k'));
    expect(store.uri('m/k')).toBe(`file://${join(root, 'm', 'k')}`);
  });

  it('leaves no staging copies behind, after success or failure', async () => {
    const root = join(await freshDir(), 'artifacts');
    const source = await freshDir();
    await mkdir(join(source, 'sub'));
    await writeFile(join(source, 'sub', 'a.bin'), 'a');
    const store = new FsArtifactStore({ root });
    await store.put('m/ok', source);
    await symlink(join(source, 'nowhere'), join(source, 'z'));
    await expect(store.put('m/bad', source)).rejects.toThrow();
    await store.delete('m/ok');
    // Fails after the copy is complete, when moving it into place.
    await rm(join(source, 'z'));
    await writeFile(join(root, 'blocked'), 'a file where the key folder should go');
    await expect(store.put('blocked/k', source)).rejects.toThrow();
    expect(await store.exists('blocked/k')).toBe(false);
    // Not even the staging folder: an idle root holds artifacts only.
    expect((await readdir(root)).sort()).toEqual(['blocked', 'm']);
    expect(await readdir(join(root, 'm'))).toEqual([]);
  });

  it('stages inside its root, so a commit is a rename and not a second copy', async () => {
    const root = join(await freshDir(), 'artifacts');
    const store = new FsArtifactStore({ root });
    const staged = await store.stage();
    expect(staged.path.startsWith(join(root, '.staging'))).toBe(true);
    await writeFile(join(staged.path, 'model.onnx'), 'x');
    const { ino } = await stat(join(staged.path, 'model.onnx'));
    expect(await staged.commit('m/k')).toBe(true);
    expect((await stat(join(root, 'm', 'k', 'model.onnx'))).ino).toBe(ino);
    await staged.discard();
    expect((await readdir(root)).sort()).toEqual(['m']);
  });

  it('does not create its root until the first put', async () => {
    const root = join(await freshDir(), 'artifacts');
    const store = new FsArtifactStore({ root });
    expect(await store.exists('m/k')).toBe(false);
    await store.delete('m/k');
    await expect(readdir(root)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('defaults its root to .mlpatterns/artifacts under the working directory', () => {
    expect(new FsArtifactStore().root).toBe(join(process.cwd(), '.mlpatterns', 'artifacts'));
  });
});
