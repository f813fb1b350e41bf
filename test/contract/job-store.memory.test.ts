import { describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { jobStoreContract } from './job-store.contract.js';

describe('JobStore contract: memory', () => {
  jobStoreContract(async (limits) => new MemoryJobStore(limits));
});

describe('memory job store specifics', () => {
  it('never holds more than maxJobs, however many jobs finish', async () => {
    const store = new MemoryJobStore({ maxJobs: 5 });
    for (let i = 0; i < 1000; i++) await store.complete(await store.create({ service: 's' }), { i });
    expect(store.size).toBe(5);
  });

  it('drops expired jobs when a job is created, not only when one is read', async () => {
    let now = 0;
    const store = new MemoryJobStore({ ttlMs: 10, now: () => now });
    for (let i = 0; i < 3; i++) await store.complete(await store.create({ service: 's' }), {});
    now = 10;
    await store.create({ service: 's' });
    expect(store.size).toBe(1);
  });

  it('refuses limits that make no sense', () => {
    expect(() => new MemoryJobStore({ maxJobs: 0 })).toThrow(RangeError);
    expect(() => new MemoryJobStore({ ttlMs: -1 })).toThrow(RangeError);
  });
});
