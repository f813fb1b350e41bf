import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlError } from '../../errors/ml-error.js';
import { assertArtifactKey } from '../../ports/artifact-key.js';
import type { ArtifactStore } from '../../ports/artifact-store.js';
import { copyArtifact } from './copy-artifact.js';

export interface FsArtifactStoreOptions {
  /**
   * Folder holding the artifacts, one sub-folder per key. Created on the first put.
   * @default ".mlpatterns/artifacts" (relative to the working directory)
   */
  readonly root?: string;
}

export const DEFAULT_ARTIFACT_ROOT = '.mlpatterns/artifacts';

/**
 * Staging folder inside the root: same filesystem as the artifacts, so the
 * final `rename` is atomic. Keys cannot start with ".", so it never clashes.
 */
const STAGING = '.staging';

/** Artifacts as folders on the local filesystem. */
export class FsArtifactStore implements ArtifactStore {
  readonly root: string;

  constructor(options: FsArtifactStoreOptions = {}) {
    this.root = resolve(options.root ?? DEFAULT_ARTIFACT_ROOT);
  }

  async put(key: string, sourcePath: string): Promise<boolean> {
    const target = this.pathOf(key);
    if (await this.exists(key)) return false;
    const staging = await this.newStagingPath();
    try {
      await copyArtifact(sourcePath, staging);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(staging, target);
        return true;
      } catch (err) {
        // Another put of the same key won the race: its copy holds the same bytes.
        if (isErrno(err, 'ENOTEMPTY', 'EEXIST', 'EPERM') && (await this.exists(key))) return false;
        throw err;
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async localPath(key: string): Promise<string> {
    if (!(await this.exists(key))) {
      throw new MlError('STORE_UNAVAILABLE', { reason: `artifact "${key}" is missing from ${this.root}` });
    }
    return this.pathOf(key);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isDirectory();
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ENOTDIR')) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    if (!(await this.exists(key))) return;
    // Move it out of sight first so that nobody sees a half-deleted artifact.
    const doomed = await this.newStagingPath();
    try {
      await rename(this.pathOf(key), doomed);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  uri(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  private pathOf(key: string): string {
    return join(this.root, ...assertArtifactKey(key));
  }

  private async newStagingPath(): Promise<string> {
    const staging = join(this.root, STAGING);
    await mkdir(staging, { recursive: true });
    return join(staging, randomUUID());
  }
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
