import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * What an artifact's files are, in which order. Part of the ArtifactStore
 * contract rather than one adapter: the digest, every adapter's copy and the
 * registry must agree on it, or a folder and its stored copy would differ.
 *
 * - a file is an artifact holding that one file under its base name;
 * - a folder is its regular files at any depth (symlinks followed, empty
 *   folders ignored), named by `/`-separated paths relative to the folder;
 * - files are sorted by relative path in code-unit order, which is the same
 *   on every platform and locale.
 */
export interface ArtifactFile {
  /** `/`-separated, relative to the artifact root. */
  readonly relativePath: string;
  readonly absolutePath: string;
  readonly size: number;
}

export async function listArtifactFiles(sourcePath: string): Promise<ArtifactFile[]> {
  const info = await stat(sourcePath);
  if (info.isFile()) {
    return [{ relativePath: basename(sourcePath), absolutePath: sourcePath, size: info.size }];
  }
  if (!info.isDirectory()) throw new Error(`${sourcePath} is neither a file nor a folder`);
  const files: ArtifactFile[] = [];
  await walk(sourcePath, '', files, new Set([inodeKey(info)]));
  return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

async function walk(dir: string, prefix: string, out: ArtifactFile[], ancestors: Set<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    const absolutePath = join(dir, name);
    const relativePath = prefix === '' ? name : `${prefix}/${name}`;
    // stat (not lstat) follows symlinks; a dangling link rejects, which is
    // what we want: an artifact with a missing file is not an artifact.
    const info = await stat(absolutePath);
    if (info.isFile()) {
      out.push({ relativePath, absolutePath, size: info.size });
    } else if (info.isDirectory()) {
      const key = inodeKey(info);
      // A symlink back to an ancestor would recurse forever.
      if (ancestors.has(key)) throw new Error(`${absolutePath} links back to one of its parent folders`);
      await walk(absolutePath, relativePath, out, new Set([...ancestors, key]));
    }
    // Sockets, FIFOs and devices are not model files: skipped.
  }
}

function inodeKey(info: { dev: number; ino: number }): string {
  return `${info.dev}:${info.ino}`;
}

/**
 * Copies an artifact's files (as `listArtifactFiles` defines them, so the copy
 * hashes like the source) into `destination`, which must be empty or absent.
 * The destination is created even when there is nothing to copy.
 */
export async function copyArtifactFiles(sourcePath: string, destination: string): Promise<void> {
  const files = await listArtifactFiles(sourcePath);
  await mkdir(destination, { recursive: true });
  for (const file of files) {
    const target = join(destination, ...file.relativePath.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file.absolutePath, target);
  }
}
