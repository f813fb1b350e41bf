import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openSqliteScheduleStore } from '../../src/adapters/sqlite/schedule-store.js';
import { schedulerSuite } from './scheduler.suite.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('Scheduler: two schedulers on one SQLite file', () => {
  schedulerSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlp-scheduler-'));
    dirs.push(dir);
    const path = join(dir, 'mlpatterns.db');
    return { a: openSqliteScheduleStore({ path }), b: openSqliteScheduleStore({ path }) };
  });
});
