import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { listArtifactFiles, type ArtifactFile } from './artifact-files.js';

/**
 * The content hash that identifies a model version. It covers the files of
 * the artifact as `listArtifactFiles` defines them, so a folder and its copy
 * hash the same, and a bare file hashes like a folder holding only that file
 * (which is how it is stored).
 *
 * sha256 over, for each file in order: `<relative path> NUL <size> NUL <bytes>`.
 * The path and size prefix keep file boundaries unambiguous.
 */
export const DIGEST_ALGORITHM = 'sha256';

export interface ArtifactDigest {
  /** `sha256:<64 lowercase hex>` */
  readonly digest: string;
  readonly sizeBytes: number;
  readonly fileCount: number;
}

export async function digestArtifact(sourcePath: string): Promise<ArtifactDigest> {
  const files = await listArtifactFiles(sourcePath);
  const hash = createHash(DIGEST_ALGORITHM);
  let sizeBytes = 0;
  for (const file of files) {
    hash.update(`${file.relativePath}\0${file.size}\0`);
    await hashFile(hash, file);
    sizeBytes += file.size;
  }
  return { digest: `${DIGEST_ALGORITHM}:${hash.digest('hex')}`, sizeBytes, fileCount: files.length };
}

async function hashFile(hash: Hash, file: ArtifactFile): Promise<void> {
  let read = 0;
  for await (const chunk of createReadStream(file.absolutePath)) {
    const bytes = chunk as Buffer;
    read += bytes.length;
    hash.update(bytes);
  }
  // A file that changed while we read it would give a digest of nothing real.
  if (read !== file.size) throw new Error(`${file.absolutePath} changed while it was being hashed`);
}
