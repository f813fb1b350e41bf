import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchOptions } from '../../src/batch/run-batch.js';
import { requireRedis, TEST_REDIS_URL } from '../helpers/redis.js';
import { IRIS_SVC, irisRows, maxDiffByKey, readJsonl, tempDir } from './helpers.js';

const redis = await requireRedis('batch-jobs.redis');
const tmp = tempDir('service');
const redisQueue = `batch-test-${randomBytes(6).toString('hex')}`;
afterAll(async () => {
  tmp.remove();
  if (!redis.available) return;
  // The BullMQ keys of this file's queue (finished jobs are otherwise kept for the retention time).
  const client = new Redis(TEST_REDIS_URL);
  const keys = await client.keys(`mlp:bull:${redisQueue}:*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

const rows = irisRows(90);
const input = path.join(tmp.dir, 'iris.jsonl');
writeFileSync(input, rows.map((r) => JSON.stringify({ id: r.id, sl: r.features[0], sw: r.features[1], pl: r.features[2], pw: r.features[3] })).join('\n'));
const config = path.join(tmp.dir, 'mlpatterns.yaml');
writeFileSync(
  config,
  [
    'models:',
    `  - { name: iris-svc, path: ${JSON.stringify(IRIS_SVC)} }`,
    'services:',
    '  - name: iris',
    '    graph: { type: model, model: iris-svc }',
    'storage:',
    `  stateDir: ${JSON.stringify(path.join(tmp.dir, 'state'))}`,
  ].join('\n'),
);

async function runService(extra: Partial<BatchOptions>, name: string): Promise<void> {
  const output = path.join(tmp.dir, `${name}.jsonl`);
  const summary = await runBatch({ target: { service: 'iris' }, config, input, key: 'id', output, shardSize: 25, features: ['sl', 'sw', 'pl', 'pw'], ...extra });
  expect(summary).toMatchObject({ status: 'succeeded', rows: 90, keysWritten: 90, shards: 4 });
  const written = readJsonl<{ id: string; prediction: number[] }>(output);
  expect(written).toHaveLength(90);
  expect(maxDiffByKey(new Map(written.map((r) => [r.id, r.prediction])), rows)).toBeLessThan(1e-4);
}

describe('batch run through a service of the config', () => {
  it('on the embedded SQLite queue (in the config\'s state dir)', async () => {
    await runService({}, 'sqlite');
  });

  it.skipIf(!redis.available)(`on BullMQ (--queue redis://…) ${redis.reason}`, async () => {
    await runService({ queue: TEST_REDIS_URL, queueName: redisQueue }, 'redis');
  });

  it('refuses a service the config does not have', async () => {
    await expect(runBatch({ target: { service: 'nope' }, config, input, key: 'id', output: path.join(tmp.dir, 'x.jsonl') })).rejects.toThrow(/service "nope" is not in the config/);
  });
});
