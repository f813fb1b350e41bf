import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlError } from '../../errors/ml-error.js';
import { assertArtifactKey } from '../../ports/artifact-key.js';
import { copyArtifactFiles } from '../../ports/artifact-files.js';
import type { ArtifactStore, StagedArtifact } from '../../ports/artifact-store.js';

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
    if (await this.exists(key)) return false;
    const staging = await this.newStagingPath();
    try {
      await copyArtifactFiles(sourcePath, staging);
      return await this.moveIntoPlace(staging, key);
    } finally {
      await this.removeStaging(staging);
    }
  }

  /** Staged inside the root, so that committing is one atomic rename, not a second copy. */
  async stage(): Promise<StagedArtifact> {
    const path = await this.newStagingPath();
    return {
      path,
      commit: (key) => this.moveIntoPlace(path, key),
      discard: () => this.removeStaging(path),
    };
  }

  /** Renames a complete staging folder to the key's folder; `false` when the key already holds an artifact. */
  private async moveIntoPlace(staging: string, key: string): Promise<boolean> {
    const target = this.pathOf(key);
    if (await this.exists(key)) return false;
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(staging, target);
      return true;
    } catch (err) {
      // Another put of the same key won the race: its copy holds the same bytes.
      if (isErrno(err, 'ENOTEMPTY', 'EEXIST', 'EPERM') && (await this.exists(key))) return false;
      throw err;
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
      await rename(this.pathOf(key), join(doomed, 'artifact'));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    } finally {
      await this.removeStaging(doomed);
    }
  }

  uri(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  private pathOf(key: string): string {
    return join(this.root, ...assertArtifactKey(key));
  }

  /**
   * A fresh, empty folder under the staging folder, created with its parents
   * in one call so that a concurrent `removeStaging` cannot pull the staging
   * folder out from under it.
   */
  private async newStagingPath(): Promise<string> {
    const path = join(this.root, STAGING, randomUUID());
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(path, { recursive: true });
        return path;
      } catch (err) {
        // The staging folder was removed between creating it and creating `path` in it.
        if (!isErrno(err, 'ENOENT') || attempt === 3) throw err;
      }
    }
  }

  /**
   * Removes a staging path, then the staging folder itself when nothing else
   * is staged, so an idle root holds artifacts only. Racing a new staging is
   * harmless: `rmdir` refuses a folder that is not empty, and stagings are
   * created with their parents.
   */
  private async removeStaging(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
    await rmdir(join(this.root, STAGING)).catch(() => undefined);
  }
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
