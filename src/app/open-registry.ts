import path from 'node:path';
import { openArtifactStore, openMetadataStore } from '../adapters/open-stores.js';
import { Registry } from '../registry/registry.js';
import type { Config } from '../config/schema.js';

/** The registry over the configured stores (embedded SQLite + filesystem by default). */
export interface OpenedRegistry {
  readonly registry: Registry;
  close(): Promise<void>;
}

export async function openRegistry(storage: Config['storage']): Promise<OpenedRegistry> {
  const metadataUrl = storage.metadata ?? path.join(storage.stateDir, 'mlpatterns.db');
  const artifactsUrl = storage.artifacts ?? path.join(storage.stateDir, 'artifacts');
  const metadata = await openMetadataStore(metadataUrl);
  try {
    const artifacts = await openArtifactStore(artifactsUrl);
    return { registry: new Registry(metadata, artifacts), close: () => metadata.close() };
  } catch (err) {
    await metadata.close();
    throw err;
  }
}
