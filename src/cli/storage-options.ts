import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import path from 'node:path';

export interface StorageFlags {
  stateDir?: string;
  metadata?: string;
  artifacts?: string;
}

/** Adds the storage flags shared by every command that touches the registry. */
export function withStorageOptions(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', 'state directory for embedded storage (env MLPATTERNS_STATE_DIR)', process.env.MLPATTERNS_STATE_DIR ?? '.mlpatterns')
    .option('--metadata <url>', 'metadata store: a SQLite path or postgres://… (env MLPATTERNS_METADATA_URL)', process.env.MLPATTERNS_METADATA_URL)
    .option('--artifacts <dir>', 'artifact store folder (env MLPATTERNS_ARTIFACTS_URL)', process.env.MLPATTERNS_ARTIFACTS_URL);
}

export function storageFromFlags(flags: StorageFlags): Config['storage'] {
  return {
    stateDir: path.resolve(flags.stateDir ?? '.mlpatterns'),
    ...(flags.metadata ? { metadata: flags.metadata } : {}),
    ...(flags.artifacts ? { artifacts: flags.artifacts } : {}),
  };
}
