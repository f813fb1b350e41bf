import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlError } from '../../errors/ml-error.js';
import { digestArtifact } from '../../ports/artifact-digest.js';
import { listArtifactFiles } from '../../ports/artifact-files.js';
import type { ArtifactStore } from '../../ports/artifact-store.js';
import type { StepOutputRecord } from '../../ports/training-run-store.js';

/** ArtifactStore key of a step output: content-addressed, so equal outputs are stored once. */
export function outputKey(digest: string): string {
  return `steps/${digest.slice(digest.indexOf(':') + 1)}`;
}

/** Empty folders for one attempt's outputs; `store` keeps them as artifacts, `discard` drops what is left. */
export interface StagedOutputs {
  readonly paths: Readonly<Record<string, string>>;
  store(step: string): Promise<Record<string, StepOutputRecord>>;
  discard(): Promise<void>;
}

/**
 * Prepares the output folders of an attempt. With a store that stages (the
 * filesystem one), they sit inside the artifact root, so keeping an output is
 * a rename, not a copy.
 */
export async function stageOutputs(artifacts: ArtifactStore, names: readonly string[]): Promise<StagedOutputs> {
  const staged: { name: string; path: string; commit: (key: string) => Promise<boolean>; discard: () => Promise<void> }[] = [];
  try {
    for (const name of names) {
      if (artifacts.stage !== undefined) {
        const stage = await artifacts.stage();
        staged.push({ name, ...stage });
      } else {
        const dir = await mkdtemp(path.join(tmpdir(), 'mlp-output-'));
        staged.push({ name, path: dir, commit: (key) => artifacts.put(key, dir), discard: () => rm(dir, { recursive: true, force: true }) });
      }
    }
  } catch (err) {
    await Promise.all(staged.map((s) => s.discard()));
    throw err;
  }
  const discard = async (): Promise<void> => {
    await Promise.all(staged.map((s) => s.discard()));
  };
  return {
    paths: Object.fromEntries(staged.map((s) => [s.name, s.path])),
    discard,
    async store(step) {
      // Every output is checked before any is kept: a step with one empty output failed.
      for (const s of staged) {
        if ((await listArtifactFiles(s.path)).length === 0) throw new MlError('STEP_NO_OUTPUT', { step, output: s.name });
      }
      const out: Record<string, StepOutputRecord> = {};
      for (const s of staged) {
        const { digest, sizeBytes } = await digestArtifact(s.path);
        const key = outputKey(digest);
        await s.commit(key);
        out[s.name] = { key, digest, sizeBytes };
      }
      return out;
    },
  };
}
