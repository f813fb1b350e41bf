import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { startSchedules, type RunningSchedules } from '../../src/schedules/start-schedules.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { postJson } from '../helpers/server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/lambda');
const postgres = await requirePostgres('examples/lambda');
const TABLE = `lambda_example_${process.pid}_${Date.now()}`;

/** The example's customers: id → the four measurements. */
function customers(): Map<string, number[]> {
  const [, ...lines] = readFileSync(path.join(EXAMPLE, 'customers.csv'), 'utf8').trim().split('\n');
  return new Map(lines.map((line) => {
    const [id = '', ...cells] = line.split(',');
    return [id, cells.map(Number)];
  }));
}

interface Answer {
  predictions: number[][];
  labels?: string[];
  source: string[];
}

describe.skipIf(!postgres.available)(`examples/lambda: a scheduled batch fills PostgreSQL, the service answers from it ${postgres.reason}`, () => {
  let config: Config;
  let server: RunningServer;
  let schedules: RunningSchedules;
  let stateDir: string;

  beforeAll(async () => {
    // A cron that does not fire during the test: the test triggers the tick itself.
    const loaded = await loadConfigFile(path.join(EXAMPLE, 'mlpatterns.yaml'), { PG_URL: TEST_POSTGRES_URL, LAMBDA_TABLE: TABLE, LAMBDA_CRON: '0 0 1 1 *' });
    stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-example-lambda-'));
    config = { ...loaded, storage: { ...loaded.storage, stateDir }, server: { ...loaded.server, host: '127.0.0.1', port: 0, logLevel: 'silent' } };
    // The server without its own scheduler: this test's scheduler is the one whose tick it triggers.
    server = await startServer({ ...config, schedules: [] }, { logger: false });
    schedules = await startSchedules(config);
  }, 30_000);

  afterAll(async () => {
    await schedules?.close();
    await server?.close();
    rmSync(stateDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.end();
  });

  const ask = async (instances: unknown[]): Promise<Answer> => {
    const res = await postJson<Answer>(`${server.url}/v1/services/iris-by-id/predict`, { instances });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('answers live before the batch has run (the table does not exist yet: fail-open)', async () => {
    const features = customers().get('c-001');
    const answer = await ask([{ id: 'c-001', features }]);
    expect(answer.source).toEqual(['live']);
  });

  it('fills the table on a tick of the schedule, recorded in the run history', async () => {
    const result = await schedules.scheduler.tick('fill-iris-scores', new Date('2026-01-01T00:00:00Z'));
    expect(result).toMatchObject({ outcome: 'ran', run: { status: 'succeeded', attempts: 1, summary: { status: 'succeeded', keysWritten: 30 } } });
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE} WHERE prediction IS NOT NULL`);
    await client.end();
    expect(Number(rows[0]?.n)).toBe(30);
    expect((await schedules.store.history('fill-iris-scores', 5)).map((r) => r.status)).toEqual(['succeeded']);
  }, 60_000);

  it('answers ids in the table from it, and an unknown id live, in request order', async () => {
    const table = customers();
    const c1 = table.get('c-001') ?? [];
    const c30 = table.get('c-030') ?? [];
    const batch = await ask([{ id: 'c-001' }, { id: 'new-1', features: c30 }, { id: 'c-030' }]);
    expect(batch.source).toEqual(['batch', 'live', 'batch']);
    // The same model, two ways: the precomputed and the live answer for the same features agree.
    const live = await ask([{ id: 'fresh-a', features: c1 }, { id: 'fresh-b', features: c30 }]);
    expect(live.source).toEqual(['live', 'live']);
    expect(batch.predictions[0]?.map((p) => p.toFixed(5))).toEqual(live.predictions[0]?.map((p) => p.toFixed(5)));
    expect(batch.predictions[1]).toEqual(live.predictions[1]);
    expect(batch.predictions[2]?.map((p) => p.toFixed(5))).toEqual(live.predictions[1]?.map((p) => p.toFixed(5)));
  });

  it('keeps the labels the batch wrote when every id is in the table', async () => {
    const answer = await ask([{ id: 'c-001' }, { id: 'c-030' }]);
    expect(answer.source).toEqual(['batch', 'batch']);
    expect(answer.labels).toEqual(['setosa', 'virginica']);
  });

  it('refuses an instance without an id (400 LOOKUP_KEY_MISSING)', async () => {
    const res = await postJson(`${server.url}/v1/services/iris-by-id/predict`, { instances: [{ features: [5.1, 3.5, 1.4, 0.2] }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'LOOKUP_KEY_MISSING', error: expect.stringContaining('instance 0 has no "id"') as unknown });
  });
});
