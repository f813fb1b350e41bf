import { copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Runs `fn` on a folder laid out as the stored artifact will be, without
 * writing to any store: a folder is used as is; a bare file is linked into a
 * temporary folder under its own name (copied where links are not allowed).
 */
export async function withArtifactView<T>(
  sourcePath: string,
  isFile: boolean,
  fn: (localDir: string) => Promise<T>,
): Promise<T> {
  if (!isFile) return fn(sourcePath);
  const dir = await mkdtemp(join(tmpdir(), 'mlpatterns-validate-'));
  try {
    const view = join(dir, basename(sourcePath));
    // Symlinks need a privilege on Windows; a copy is slower but always works.
    await symlink(sourcePath, view).catch(() => copyFile(sourcePath, view));
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
