import { afterAll, describe, expect, it } from 'vitest';
import { NatsEventLog } from '../../src/adapters/nats/event-log.js';
import { TEST_NATS_URL, deleteStreams, requireNats, uniqueStream } from '../helpers/nats.js';
import { eventLogContract, record } from './event-log.contract.js';

const nats = await requireNats('event-log.nats');
const streams: string[] = [];
const fresh = (): NatsEventLog => {
  const names = uniqueStream();
  streams.push(names.stream);
  return new NatsEventLog({ url: TEST_NATS_URL, ...names });
};

afterAll(async () => {
  if (nats.available) await deleteStreams(streams);
});

describe.skipIf(!nats.available)(`EventLog contract: nats ${nats.reason}`, () => {
  eventLogContract(async () => fresh());
});

describe.skipIf(!nats.available)(`nats event log specifics ${nats.reason}`, () => {
  it('publishes on <prefix>.<service or model> and a retried batch is stored once (message id dedup)', async () => {
    const names = uniqueStream();
    streams.push(names.stream);
    const log = new NatsEventLog({ url: TEST_NATS_URL, ...names });
    try {
      expect(log.subjectOf({ model: 'iris.v2' })).toBe(`${names.subjectPrefix}.iris_v2`);
      expect(log.subjectOf({ model: 'iris', service: 'svc' })).toBe(`${names.subjectPrefix}.svc`);
      const batch = [record(), record({ service: 'svc' })];
      await log.append(batch);
      await log.append(batch);
      expect((await log.query({})).records.map((r) => r.id)).toEqual(batch.map((r) => r.id));
    } finally {
      await log.close();
    }
  });
});

describe('nats event log when NATS is down', () => {
  it('append fails fast instead of waiting', async () => {
    const log = new NatsEventLog({ url: 'nats://127.0.0.1:1', timeoutMs: 500 });
    try {
      const started = performance.now();
      await expect(log.append([record()])).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await log.close();
    }
  });
});
