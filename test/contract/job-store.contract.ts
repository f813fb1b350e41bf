import { afterEach, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import type { JobStore, JobStoreLimits } from '../../src/ports/job-store.js';

/**
 * The one contract every JobStore adapter passes (style.md #2). The factory
 * opens a store over fresh, empty storage with the given limits (the clock
 * included, so expiry is tested without waiting).
 */
export type JobStoreFactory = (limits?: JobStoreLimits) => Promise<JobStore>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function jobStoreContract(open: JobStoreFactory): void {
  const opened: JobStore[] = [];
  const fresh = async (limits?: JobStoreLimits): Promise<JobStore> => {
    const store = await open(limits);
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('creates queued jobs with random UUIDs, the service, the request id and a creation time', async () => {
    const now = Date.parse('2026-01-02T03:04:05.678Z');
    const store = await fresh({ now: () => now });
    const a = await store.create({ service: 'svc', requestId: 'req-1' });
    const b = await store.create({ service: 'other' });
    expect(a).toMatch(UUID);
    expect(b).not.toBe(a);
    expect(await store.get(a)).toEqual({ id: a, status: 'queued', service: 'svc', requestId: 'req-1', createdAt: '2026-01-02T03:04:05.678Z' });
    expect(await store.get(b)).toEqual({ id: b, status: 'queued', service: 'other', createdAt: '2026-01-02T03:04:05.678Z' });
  });

  it('goes queued → running → succeeded, keeping the result as JSON carries it', async () => {
    let now = Date.parse('2026-01-02T00:00:00.000Z');
    const store = await fresh({ now: () => now });
    const id = await store.create({ service: 'svc' });
    await store.markRunning(id);
    expect((await store.get(id))?.status).toBe('running');
    now += 1234;
    const result = { predictions: [[0.1, 1e-7, -0.5]], labels: ['sétosa ✓'], keys: ['k', 2], votes: [3] };
    await store.complete(id, result);
    expect(await store.get(id)).toEqual({
      id,
      status: 'succeeded',
      service: 'svc',
      createdAt: '2026-01-02T00:00:00.000Z',
      finishedAt: '2026-01-02T00:00:01.234Z',
      result,
    });
  });

  it('records a failure as its code and message', async () => {
    const store = await fresh();
    const id = await store.create({ service: 'svc' });
    await store.markRunning(id);
    await store.fail(id, { code: 'BRANCH_TIMEOUT', message: 'did not answer within 10 ms' });
    const job = await store.get(id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'BRANCH_TIMEOUT', message: 'did not answer within 10 ms' } });
    expect(job?.finishedAt).toEqual(expect.any(String));
    expect(job?.result).toBeUndefined();
  });

  it('a queued job can finish without having run (failed before it started)', async () => {
    const store = await fresh();
    const id = await store.create({ service: 'svc' });
    await store.fail(id, { code: 'SHUTTING_DOWN', message: 'Server is shutting down' });
    expect((await store.get(id))?.status).toBe('failed');
  });

  it('the first outcome is final: later complete, fail or markRunning change nothing', async () => {
    const store = await fresh();
    const timedOut = await store.create({ service: 'svc' });
    await store.fail(timedOut, { code: 'BRANCH_TIMEOUT', message: 'late' });
    await store.complete(timedOut, { predictions: [1] });
    await store.markRunning(timedOut);
    expect(await store.get(timedOut)).toMatchObject({ status: 'failed', error: { code: 'BRANCH_TIMEOUT' } });
    expect((await store.get(timedOut))?.result).toBeUndefined();

    const done = await store.create({ service: 'svc' });
    await store.complete(done, { predictions: [1] });
    await store.fail(done, { code: 'INTERNAL', message: 'no' });
    await store.complete(done, { predictions: [2] });
    expect(await store.get(done)).toMatchObject({ status: 'succeeded', result: { predictions: [1] } });
    expect((await store.get(done))?.error).toBeUndefined();
  });

  it('answers undefined for an unknown id; transitions of an unknown id reject JOB_NOT_FOUND', async () => {
    const store = await fresh();
    expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.get('not a uuid')).toBeUndefined();
    for (const change of [() => store.markRunning('nope'), () => store.complete('nope', {}), () => store.fail('nope', { code: 'X', message: 'y' })]) {
      await expect(change()).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    }
  });

  it('hands out copies: mutating a read result does not change the stored job', async () => {
    const store = await fresh();
    const id = await store.create({ service: 'svc' });
    const result = { predictions: [[1, 2]] };
    await store.complete(id, result);
    result.predictions[0]?.push(3);
    const first = await store.get(id);
    (first?.result?.predictions as number[][])[0]?.push(4);
    expect((await store.get(id))?.result).toEqual({ predictions: [[1, 2]] });
  });

  it('keeps a finished job for ttlMs after it finished, then forgets it', async () => {
    let now = 1_000_000;
    const store = await fresh({ ttlMs: 500, now: () => now });
    const id = await store.create({ service: 'svc' });
    now += 10_000; // unfinished jobs never expire
    expect((await store.get(id))?.status).toBe('queued');
    await store.complete(id, { predictions: [] });
    now += 499;
    expect((await store.get(id))?.status).toBe('succeeded');
    now += 1;
    expect(await store.get(id)).toBeUndefined();
  });

  it('when full, evicts the oldest finished job first and never an unfinished one', async () => {
    let now = 0;
    const store = await fresh({ maxJobs: 3, now: () => now });
    const running = await store.create({ service: 'svc' });
    const first = await store.create({ service: 'svc' });
    const second = await store.create({ service: 'svc' });
    await store.markRunning(running);
    now += 1;
    await store.complete(second, { n: 2 }); // finishes before `first` does
    now += 1;
    await store.complete(first, { n: 1 });
    const third = await store.create({ service: 'svc' });
    expect(await store.get(second)).toBeUndefined();
    expect((await store.get(first))?.status).toBe('succeeded');
    expect((await store.get(running))?.status).toBe('running');
    expect((await store.get(third))?.status).toBe('queued');
  });

  it('full of unfinished jobs: create rejects 503 JOB_STORE_FULL, and succeeds again once one finishes', async () => {
    const store = await fresh({ maxJobs: 2 });
    const a = await store.create({ service: 'svc' });
    await store.create({ service: 'svc' });
    const refused = await store.create({ service: 'svc' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MlError);
    expect(refused).toMatchObject({ code: 'JOB_STORE_FULL', status: 503 });
    await store.fail(a, { code: 'INTERNAL', message: 'x' });
    expect(await store.create({ service: 'svc' })).toMatch(UUID);
  });
}
