import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestArtifact } from '../../src/ports/artifact-digest.js';
import { listArtifactFiles } from '../../src/ports/artifact-files.js';

describe('artifact digest', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlp-digest-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const tree = async (name: string, files: Record<string, string>): Promise<string> => {
    const root = join(dir, name);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return root;
  };

  it('follows the documented formula: sha256 over "path NUL size NUL bytes" per file, in path order', async () => {
    const root = await tree('pkg', { 'b.txt': 'world', 'a/x.txt': 'hello' });
    const expected = createHash('sha256').update('a/x.txt\x005\x00hello').update('b.txt\x005\x00world').digest('hex');
    expect(await digestArtifact(root)).toEqual({ digest: `sha256:${expected}`, sizeBytes: 10, fileCount: 2 });
  });

  it('hashes a folder and its copy the same, wherever they live', async () => {
    const root = await tree('pkg', { 'model.onnx': 'w', 'deep/er/f': 'x', 'Z': 'upper' });
    await cp(root, join(dir, 'elsewhere', 'copy'), { recursive: true });
    expect((await digestArtifact(join(dir, 'elsewhere', 'copy'))).digest).toBe((await digestArtifact(root)).digest);
  });

  it('hashes a bare file like a folder holding only that file', async () => {
    const file = join(await tree('src', { 'iris.onnx': 'bytes' }), 'iris.onnx');
    const folder = await tree('folder', { 'iris.onnx': 'bytes' });
    expect((await digestArtifact(file)).digest).toBe((await digestArtifact(folder)).digest);
  });

  it('changes with contents, names and file boundaries', async () => {
    const base = (await digestArtifact(await tree('base', { a: 'ab', b: 'c' }))).digest;
    expect((await digestArtifact(await tree('content', { a: 'ab', b: 'd' }))).digest).not.toBe(base);
    expect((await digestArtifact(await tree('renamed', { a: 'ab', c: 'c' }))).digest).not.toBe(base);
    expect((await digestArtifact(await tree('shifted', { a: 'a', b: 'bc' }))).digest).not.toBe(base);
  });

  it('ignores empty folders and follows symlinks', async () => {
    const root = await tree('pkg', { 'f.txt': 'x' });
    await mkdir(join(root, 'empty'));
    await symlink(join(root, 'f.txt'), join(root, 'g.txt'));
    expect((await listArtifactFiles(root)).map((f) => f.relativePath)).toEqual(['f.txt', 'g.txt']);
  });

  it('refuses a dangling symlink and a link back to a parent', async () => {
    const root = await tree('pkg', { 'f.txt': 'x' });
    await symlink(join(root, 'nowhere'), join(root, 'dangling'));
    await expect(digestArtifact(root)).rejects.toThrow();
    await rm(join(root, 'dangling'));
    await symlink(root, join(root, 'loop'));
    await expect(digestArtifact(root)).rejects.toThrow(/links back/);
  });
});
