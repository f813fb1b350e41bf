import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metadataUrlOf, openEvaluationStore } from '../../src/adapters/open-evaluation-store.js';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { openSqliteEvaluationStore } from '../../src/adapters/sqlite/evaluation-store.js';
import { evaluationStoreContract } from './evaluation-store.contract.js';

const dirs: string[] = [];
const freshDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-evaluations-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('EvaluationStore contract: SQLite, two connections on one file', () => {
  evaluationStoreContract(async (now) => {
    const path = join(await freshDir(), 'mlpatterns.db');
    return { a: openSqliteEvaluationStore({ path, now }), b: openSqliteEvaluationStore({ path, now }) };
  });
});

describe('SQLite evaluation store specifics', () => {
  it('lives in the metadata database of the state directory, beside the registry', async () => {
    const stateDir = await freshDir();
    const url = metadataUrlOf({ stateDir });
    expect(url).toBe(join(stateDir, 'mlpatterns.db'));
    const metadata = await openSqliteMetadataStore({ path: url });
    await metadata.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    await metadata.close();
    const store = await openEvaluationStore(`sqlite:${url}`);
    await store.save([{ model: 'm', version: '1', window_start: '2026-01-01T00:00:00.000Z', window_end: '2026-01-02T00:00:00.000Z', predictions: 1, joined: 0, unjoined: 1 }]);
    await store.close();
    const reopened = await openSqliteMetadataStore({ path: url });
    expect((await reopened.listModels()).map((m) => m.name)).toEqual(['m']);
    await reopened.close();
    const again = await openEvaluationStore(url);
    expect((await again.list()).map((e) => [e.model, e.predictions])).toEqual([['m', 1]]);
    await again.close();
    expect(metadataUrlOf({ stateDir, metadata: 'postgres://db/x' })).toBe('postgres://db/x');
  });
});
