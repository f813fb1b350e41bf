import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrainingRunStore } from '../../src/adapters/open-training-run-store.js';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { openSqliteTrainingRunStore } from '../../src/adapters/sqlite/training-run-store.js';
import { trainingRunStoreContract } from './training-run-store.contract.js';

const dirs: string[] = [];
const freshPath = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-training-runs-'));
  dirs.push(dir);
  return join(dir, 'mlpatterns.db');
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('TrainingRunStore contract: SQLite, two connections on one file', () => {
  trainingRunStoreContract(async (now) => {
    const path = await freshPath();
    return { a: openSqliteTrainingRunStore({ path, now }), b: openSqliteTrainingRunStore({ path, now }) };
  });
});

describe('SQLite training run store specifics', () => {
  it('lives in the metadata database, beside the registry', async () => {
    const path = await freshPath();
    const metadata = await openSqliteMetadataStore({ path });
    await metadata.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    await metadata.close();
    const store = await openTrainingRunStore(`sqlite:${path}`);
    await store.createRun({ id: 'r1', pipeline: 'p', params: {}, owner: 'x' });
    await store.close();
    const reopened = await openSqliteMetadataStore({ path });
    expect((await reopened.listModels()).map((m) => m.name)).toEqual(['m']);
    await reopened.close();
    const again = await openTrainingRunStore(path);
    expect((await again.listRuns()).map((r) => r.id)).toEqual(['r1']);
    await again.close();
  });
});
