import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openScheduleStore } from '../../src/adapters/open-schedule-store.js';
import { openSqliteMetadataStore } from '../../src/adapters/sqlite/index.js';
import { openSqliteScheduleStore } from '../../src/adapters/sqlite/schedule-store.js';
import { scheduleStoreContract } from './schedule-store.contract.js';

const dirs: string[] = [];
const freshPath = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-schedules-'));
  dirs.push(dir);
  return join(dir, 'mlpatterns.db');
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('ScheduleStore contract: SQLite, two connections on one file', () => {
  scheduleStoreContract(async (now) => {
    const path = await freshPath();
    return { a: openSqliteScheduleStore({ path, now }), b: openSqliteScheduleStore({ path, now }) };
  });
});

describe('SQLite schedule store specifics', () => {
  it('lives in the metadata database, beside the registry', async () => {
    const path = await freshPath();
    const metadata = await openSqliteMetadataStore({ path });
    await metadata.createVersion({ name: 'm', digest: 'sha256:aa', artifactUri: 'file:///m', sizeBytes: 1 });
    await metadata.close();
    const store = await openScheduleStore(`sqlite:${path}`);
    const claim = await store.claim({ schedule: 's', scheduledAt: new Date(0), owner: 'x', staleAfterMs: 1000 });
    expect(claim.outcome).toBe('claimed');
    await store.close();
    const reopened = await openSqliteMetadataStore({ path });
    expect((await reopened.listModels()).map((m) => m.name)).toEqual(['m']);
    await reopened.close();
  });
});
