import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBanditStore } from '../../src/adapters/open-bandit-store.js';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { openSqliteBanditStore } from '../../src/adapters/sqlite/bandit-store.js';
import { banditStoreContract } from './bandit-store.contract.js';

const dirs: string[] = [];
const freshPath = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-bandits-'));
  dirs.push(dir);
  return join(dir, 'mlpatterns.db');
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('BanditStore contract: SQLite, two connections on one file', () => {
  banditStoreContract(async (now) => {
    const path = await freshPath();
    return { a: openSqliteBanditStore({ path, now }), b: openSqliteBanditStore({ path, now }) };
  });
});

describe('SQLite bandit store specifics', () => {
  it('lives in the metadata database, beside the registry, and keeps its state across reopening', async () => {
    const path = await freshPath();
    const metadata = await openSqliteMetadataStore({ path });
    await metadata.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    await metadata.close();
    const store = await openBanditStore(`sqlite:${path}`);
    await store.recordDecisions([{ requestId: 'r1', bandit: 'b', arm: 'x', propensity: 1, createdAt: new Date(0).toISOString() }]);
    await store.applyReward('r1', 1);
    await store.close();
    const reopened = await openBanditStore(path);
    expect((await reopened.arms('b')).map((s) => [s.arm, s.pulls, s.alpha])).toEqual([['x', 1, 1]]);
    await reopened.close();
    const registry = await openSqliteMetadataStore({ path });
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['m']);
    await registry.close();
  });

  it('refuses a URL scheme it does not know', async () => {
    await expect(openBanditStore('mysql://db')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
