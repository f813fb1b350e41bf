import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listArtifactFiles } from '../../ports/artifact-files.js';

/**
 * Copies an artifact's files (as `listArtifactFiles` defines them, so the copy
 * hashes like the source) into `destination`, which must be empty or absent.
 */
export async function copyArtifact(sourcePath: string, destination: string): Promise<void> {
  const files = await listArtifactFiles(sourcePath);
  for (const file of files) {
    const target = join(destination, ...file.relativePath.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file.absolutePath, target);
  }
}
