import path from 'node:path';
import { openArtifactStore } from '../../adapters/open-stores.js';
import { openTrainingRunStore } from '../../adapters/open-training-run-store.js';
import type { ArtifactStore } from '../../ports/artifact-store.js';
import type { TrainingRunStore } from '../../ports/training-run-store.js';
import type { PipelineStorageSettings } from '../definition.js';
import type { PipelineStorage } from '../types.js';

/**
 * Where a run keeps its records and artifacts. Each setting comes from, in
 * order: the caller (CLI flags), the pipeline's `storage:`, the environment
 * (MLPATTERNS_STATE_DIR, MLPATTERNS_METADATA_URL, MLPATTERNS_ARTIFACTS_URL),
 * the default (`.mlpatterns` in the cwd, like `mlpatterns serve`).
 */
export function resolveStorage(
  fromCaller: PipelineStorageSettings | undefined,
  fromPipeline: PipelineStorageSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PipelineStorage {
  const pick = (key: keyof PipelineStorageSettings, envName: string): string | undefined =>
    fromCaller?.[key] ?? fromPipeline?.[key] ?? (env[envName] === '' ? undefined : env[envName]);
  const stateDir = path.resolve(pick('stateDir', 'MLPATTERNS_STATE_DIR') ?? '.mlpatterns');
  return { stateDir, metadata: pick('metadata', 'MLPATTERNS_METADATA_URL'), artifacts: pick('artifacts', 'MLPATTERNS_ARTIFACTS_URL') };
}

export interface RunStores {
  readonly store: TrainingRunStore;
  readonly artifacts: ArtifactStore;
  close(): Promise<void>;
}

/** The metadata database (run records, beside the registry) and the artifact store of a storage. */
export async function openRunStores(storage: PipelineStorage): Promise<RunStores> {
  const artifacts = await openArtifactStore(artifactsUrl(storage));
  const store = await openTrainingRunStore(storage.metadata ?? path.join(storage.stateDir, 'mlpatterns.db'));
  return { store, artifacts, close: () => store.close() };
}

export function artifactsUrl(storage: PipelineStorage): string {
  return storage.artifacts ?? path.join(storage.stateDir, 'artifacts');
}
