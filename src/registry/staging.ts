import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MlError, type ErrorParams } from '../errors/ml-error.js';
import { digestArtifact, type ArtifactDigest } from '../ports/artifact-digest.js';
import { copyArtifactFiles } from '../ports/artifact-files.js';
import type { ArtifactStore, StagedArtifact } from '../ports/artifact-store.js';
import { invalidSource, storeFailure, type ModelSource } from './source.js';

/*
 * Registration reads the source once, into a staging folder laid out as the
 * stored artifact will be (a bare file inside a folder under its own name);
 * everything after that (digest, validation, storing) works on the copy.
 */

/** Errors writing the staging copy that are the store's, not the source's. */
const STORE_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** Copies the source's files into the (empty) staging folder. */
export async function stageSource(source: ModelSource, stagedPath: string): Promise<void> {
  await copyArtifactFiles(source.path, stagedPath).catch((err: unknown) => {
    const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
    throw code !== undefined && STORE_ERRNOS.has(code) ? storeFailure(err) : invalidSource(source.path, err);
  });
}

/** Digest of the staged copy; refuses an empty folder, which no runtime could serve. */
export async function digestStaged(stagedPath: string, source: ModelSource): Promise<ArtifactDigest> {
  const digest = await digestArtifact(stagedPath).catch((err: unknown) => {
    throw invalidSource(source.path, err);
  });
  if (digest.fileCount === 0) throw invalidSource(source.path, 'the folder holds no files');
  return digest;
}

/** Staging for stores without their own: a temporary folder, `put` on commit (a second copy). */
export async function stageInTemporaryFolder(store: ArtifactStore): Promise<StagedArtifact> {
  const path = await mkdtemp(join(tmpdir(), 'mlpatterns-stage-'));
  return {
    path,
    commit: (key) => store.put(key, path),
    discard: () => rm(path, { recursive: true, force: true }),
  };
}

/**
 * A validator's error names the staging folder it was given; users know the
 * source. Rewrites staging paths in the error's text back to the source path.
 */
export function renameStagedPath(err: unknown, stagedPath: string, source: ModelSource): unknown {
  const rewrite = (text: string): string => {
    const fileInStaging = source.isFile ? text.split(join(stagedPath, basename(source.path))).join(source.path) : text;
    return fileInStaging.split(stagedPath).join(source.path);
  };
  if (err instanceof MlError) {
    const params: ErrorParams = {};
    let changed = false;
    for (const [key, value] of Object.entries(err.params)) {
      params[key] = typeof value === 'string' ? rewrite(value) : value;
      changed ||= params[key] !== value;
    }
    return changed ? new MlError(err.code, params, { cause: err }) : err;
  }
  if (err instanceof Error) {
    const message = rewrite(err.message);
    return message === err.message ? err : new Error(message, { cause: err });
  }
  return err;
}
