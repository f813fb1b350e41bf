import { afterEach, describe, expect, it } from 'vitest';
import { MemoryJobStore } from '../../src/adapters/memory/job-store.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { JobRecord } from '../../src/ports/job-store.js';
import type { JobEvent } from '../../src/services/background-jobs.js';
import { model, multistage, parallel, service, threshold } from '../../src/services/builders.js';
import type { ModelRunner } from '../../src/services/run-context.js';
import type { ServiceEntry } from '../../src/services/schema.js';
import { ServiceRepository, type ServiceRepositoryOptions } from '../../src/services/service-repository.js';
import { problemsOf } from '../helpers/config-problems.js';

/**
 * The multistage node on a ServiceRepository with a scripted model runner: the
 * `heavy` model answers only when the test opens its gate, so every ordering
 * (fast before slow, close while slow runs) is forced, never timed.
 */
const MODELS = ['light', 'heavy', 'boom'].map((name) => ({ name, path: `/models/${name}.onnx` }));

let gate: { promise: Promise<void>; open: () => void } | undefined;
const closeGate = () => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  gate = { promise, open };
  return gate;
};

const runModel: ModelRunner = async (call) => {
  switch (call.model) {
    case 'light':
      return { rows: call.instances.map(() => [0.6, 0.4]), labels: call.instances.map(() => 'light') };
    case 'heavy':
      await gate?.promise;
      return { rows: call.instances.map(() => [0.9, 0.1]), labels: call.instances.map(() => 'heavy') };
    default:
      throw new Error('boom');
  }
};

const repos: ServiceRepository[] = [];
function repoOf(entries: ServiceEntry[], options: ServiceRepositoryOptions = {}): ServiceRepository {
  const repo = new ServiceRepository(resolveConfig({ models: MODELS, services: entries }).services, options);
  repos.push(repo);
  return repo;
}

afterEach(async () => {
  gate?.open();
  gate = undefined;
  await Promise.all(repos.splice(0).map((r) => r.close()));
});

/** Waits until the job has finished (the store is memory: a few turns of the event loop). */
async function settled(store: { get(id: string): Promise<JobRecord | undefined> }, id: string): Promise<JobRecord | undefined> {
  const until = Date.now() + 2000;
  for (;;) {
    const job = await store.get(id);
    if (job?.status === 'succeeded' || job?.status === 'failed' || Date.now() > until) return job;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const TWO = [[1], [2]];

describe('multistage node', () => {
  it('answers with the fast stage and a job id; the job gets the slow answer, the keys and the request id', async () => {
    const events: JobEvent[] = [];
    const repo = repoOf([service('two', multistage(model('light'), model('heavy')))], { onJob: (e) => events.push(e) });
    const held = closeGate();
    const value = await repo.run('two', TWO, { requestId: 'req-9', runModel, keys: ['a', 'b'] });
    expect(value.rows).toEqual([[0.6, 0.4], [0.6, 0.4]]);
    expect(value.labels).toEqual(['light', 'light']);
    const id = value.job?.id ?? '';
    expect((await repo.jobs.get(id))?.status).toBe('running');
    held.open();
    expect(await settled(repo.jobs, id)).toMatchObject({
      status: 'succeeded',
      service: 'two',
      requestId: 'req-9',
      result: { predictions: [[0.9, 0.1], [0.9, 0.1]], labels: ['heavy', 'heavy'], keys: ['a', 'b'] },
    });
    expect(events).toEqual([{ service: 'two', status: 'succeeded' }]);
  });

  it('a fast stage that fails fails the request and starts no job', async () => {
    const store = new MemoryJobStore();
    const repo = repoOf([service('two', multistage(model('boom'), model('heavy')))], { jobs: store });
    await expect(repo.run('two', TWO, { requestId: 'r', runModel })).rejects.toThrow('boom');
    expect(store.size).toBe(0);
  });

  it('a job a rebuilt value dropped (threshold, parallel aggregation) is still named in the answer', async () => {
    const repo = repoOf([
      service('flagged', threshold(multistage(model('light'), model('heavy')), { threshold: 0.5, column: 0 })),
      service('fanned', parallel({ two: multistage(model('light'), model('heavy')), one: model('light') })),
    ]);
    for (const name of ['flagged', 'fanned']) {
      const value = await repo.run(name, TWO, { requestId: 'r', runModel });
      expect((await settled(repo.jobs, value.job?.id ?? ''))?.status).toBe('succeeded');
    }
  });

  it('inside a slow stage, a nested multistage answers with its own slow stage, and starts no second job', async () => {
    const store = new MemoryJobStore();
    const repo = repoOf([service('nested', multistage(model('light'), multistage(model('boom'), model('heavy'))))], { jobs: store });
    const value = await repo.run('nested', TWO, { requestId: 'r', runModel });
    expect((await settled(store, value.job?.id ?? ''))?.result?.predictions).toEqual([[0.9, 0.1], [0.9, 0.1]]);
    expect(store.size).toBe(1);
  });

  it('a switched-off slow stage serves the fast answer alone, with no job', async () => {
    const store = new MemoryJobStore();
    const repo = repoOf([service('fast-only', multistage(model('light'), { ...model('heavy'), active: false }))], { jobs: store });
    const value = await repo.run('fast-only', TWO, { requestId: 'r', runModel });
    expect(value).toEqual({ rows: [[0.6, 0.4], [0.6, 0.4]], labels: ['light', 'light'] });
    expect(store.size).toBe(0);
  });

  it('refuses 503 JOB_STORE_FULL when the store is full of unfinished jobs', async () => {
    const repo = repoOf([service('two', multistage(model('light'), model('heavy')))], { jobs: new MemoryJobStore({ maxJobs: 1 }) });
    closeGate();
    await repo.run('two', TWO, { requestId: 'r', runModel });
    await expect(repo.run('two', TWO, { requestId: 'r', runModel })).rejects.toMatchObject({ code: 'JOB_STORE_FULL', status: 503 });
  });

  it('refuses a switched-off fast stage at start-up', () => {
    const problems = problemsOf({ models: MODELS, services: [service('x', multistage({ ...model('light'), active: false }, model('heavy')))] });
    expect(problems).toContain('services.0.graph.fast.active');
    expect(problems).toContain('fast stage of a multistage cannot be switched off');
  });
});

describe('closing with jobs still running', () => {
  it('waits for a running job, which then finishes normally', async () => {
    const store = new MemoryJobStore();
    const repo = new ServiceRepository(resolveConfig({ models: MODELS, services: [service('two', multistage(model('light'), model('heavy')))] }).services, { jobs: store });
    const held = closeGate();
    const { job } = await repo.run('two', TWO, { requestId: 'r', runModel });
    let closed = false;
    const closing = repo.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    held.open();
    await closing;
    expect((await store.get(job?.id ?? ''))?.status).toBe('succeeded');
    await expect(repo.run('two', TWO, { requestId: 'r', runModel })).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('past jobDrainMs, fails the jobs still running with SHUTTING_DOWN; their late answer changes nothing', async () => {
    const store = new MemoryJobStore();
    const events: JobEvent[] = [];
    const repo = new ServiceRepository(resolveConfig({ models: MODELS, services: [service('two', multistage(model('light'), model('heavy')))] }).services, {
      jobs: store,
      jobDrainMs: 20,
      onJob: (e) => events.push(e),
    });
    const held = closeGate();
    const { job } = await repo.run('two', TWO, { requestId: 'r', runModel });
    await repo.close();
    const id = job?.id ?? '';
    expect(await store.get(id)).toMatchObject({ status: 'failed', error: { code: 'SHUTTING_DOWN' } });
    held.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.get(id))?.status).toBe('failed');
    expect(events).toEqual([{ service: 'two', status: 'failed' }]);
    await store.close(); // injected: the repository leaves it open
  });
});
