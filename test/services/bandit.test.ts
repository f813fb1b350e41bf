import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { openSqliteBanditStore } from '../../src/adapters/sqlite/bandit-store.js';
import { mulberry32 } from '../../src/stats/random.js';
import { chooseEpsilonGreedy, chooseThompson, thompsonShares } from '../../src/services/bandit-policy.js';
import { rewardOf } from '../../src/services/bandit-states.js';
import { bandit, cache, model, service } from '../../src/services/builders.js';
import type { NodeValue } from '../../src/services/node-value.js';
import type { ModelCall } from '../../src/services/run-context.js';
import type { BanditNode } from '../../src/services/schema.js';
import { ServiceRepository } from '../../src/services/service-repository.js';
import { problemsOf } from '../helpers/config-problems.js';
import { postJson, startTestServer } from '../helpers/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model');
const GATED = path.join(HERE, '../fixtures/gated-model');

/** Answers each instance with the model's name: which arm served is visible in the rows too. */
const runModel = async (call: ModelCall): Promise<NodeValue> => ({ rows: call.instances.map(() => call.model) });
const ARMS = { a: model('arm-a'), b: model('arm-b') };
/** The simulated world: arm a pays off 90 % of the time, arm b 10 %. */
const PAYS = { a: 0.9, b: 0.1 } as const;

const dirs: string[] = [];
const repositories: ServiceRepository[] = [];
const freshDb = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-bandit-'));
  dirs.push(dir);
  return path.join(dir, 'mlpatterns.db');
};
const open = (node: BanditNode, db: string): ServiceRepository => {
  const repository = new ServiceRepository([service('choose', node)], { banditStoreUrl: db });
  repositories.push(repository);
  return repository;
};

afterEach(async () => {
  for (const r of repositories.splice(0)) await r.close();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

let requestCounter = 0;
type Served = { arm: 'a' | 'b'; propensity: number; requestId: string };
const serve = async (repository: ServiceRepository): Promise<Served> => {
  const requestId = `req-${++requestCounter}`;
  const value = await repository.run('choose', [[1], [2]], { requestId, runModel });
  const arm = value.variant as 'a' | 'b';
  expect(value.rows).toEqual([`arm-${arm}`, `arm-${arm}`]);
  const [propensity] = value.extras?.propensity as number[];
  expect(value.extras?.propensity).toEqual([propensity, propensity]);
  return { arm, propensity: propensity ?? NaN, requestId };
};
/** Serves `rounds` requests, each followed by its simulated 0/1 reward; returns the arms chosen. */
const play = async (repository: ServiceRepository, rounds: number, world = mulberry32(7)): Promise<Served[]> => {
  const served: Served[] = [];
  for (let i = 0; i < rounds; i++) {
    const s = await serve(repository);
    served.push(s);
    expect(await repository.rewardBandit({ requestId: s.requestId, reward: world() < PAYS[s.arm] ? 1 : 0 })).toMatchObject({ outcome: 'applied', arm: s.arm });
  }
  return served;
};
const share = (served: readonly Served[], arm: string): number => served.filter((s) => s.arm === arm).length / served.length;

describe('bandit node: Thompson sampling', () => {
  it('learns from rewards: after 200 rounds most traffic goes to the arm that pays 0.9', async () => {
    const repository = open(bandit(ARMS, { seed: 42 }), await freshDb());
    const served = await play(repository, 300);
    expect(share(served.slice(0, 20), 'a')).toBeLessThan(0.9); // it explored at first
    expect(share(served.slice(200), 'a')).toBeGreaterThan(0.9);
    // Propensities are probabilities of the arm served: high for a once it has been learnt.
    const late = served.slice(200).filter((s) => s.arm === 'a');
    expect(Math.min(...late.map((s) => s.propensity))).toBeGreaterThan(0.8);
    for (const s of served) expect(s.propensity).toBeGreaterThan(0);
  });

  it('keeps its state across a restart (a new repository on the same SQLite file)', async () => {
    const db = await freshDb();
    const first = open(bandit(ARMS, { seed: 1 }), db);
    await play(first, 150);
    await first.close();
    const store = openSqliteBanditStore({ path: db });
    const arms = await store.arms('choose/graph');
    await store.close();
    expect(arms.map((a) => a.arm)).toEqual(['a', 'b']);
    expect(arms.reduce((n, a) => n + a.pulls, 0)).toBe(150);
    expect(arms.reduce((n, a) => n + a.alpha + a.beta, 0)).toBe(150);
    // A fresh repository starts where the first stopped: it exploits a at once, with no rewards of its own.
    const second = open(bandit(ARMS, { seed: 2 }), db);
    const after: Served[] = [];
    for (let i = 0; i < 50; i++) after.push(await serve(second));
    expect(share(after, 'a')).toBeGreaterThan(0.9);
    // A fresh database, by contrast, splits about evenly (same seed, no evidence).
    const cold = open(bandit(ARMS, { seed: 2 }), await freshDb());
    const coldServed: Served[] = [];
    for (let i = 0; i < 50; i++) coldServed.push(await serve(cold));
    expect(share(coldServed, 'a')).toBeLessThan(0.75);
  });

  it('estimates the propensity by Monte Carlo: two equal arms get about 1/2 each, one arm gets 1', () => {
    const random = mulberry32(3);
    const prior = { alpha: 1, beta: 1 };
    const even = thompsonShares([{ arm: 'a', alpha: 10, beta: 10 }, { arm: 'b', alpha: 10, beta: 10 }], prior, random);
    expect(even.get('a')).toBeGreaterThan(0.45);
    expect(even.get('a')).toBeLessThan(0.55);
    expect((even.get('a') ?? 0) + (even.get('b') ?? 0)).toBeCloseTo(1, 12);
    // Three arms, one clearly better: it wins nearly every draw; the others never report 0.
    const skewed = thompsonShares([{ arm: 'a', alpha: 90, beta: 10 }, { arm: 'b', alpha: 10, beta: 90 }, { arm: 'c', alpha: 10, beta: 90 }], prior, random);
    expect(skewed.get('a')).toBeGreaterThan(0.99);
    expect(skewed.get('c')).toBeGreaterThan(0);
    expect(chooseThompson([{ arm: 'only', alpha: 0, beta: 0 }], prior, random, () => 0.3)).toEqual({ arm: 'only', propensity: 1 });
  });
});

describe('bandit node: epsilon-greedy', () => {
  it('explores about epsilon of the time once one arm is best, with exact propensities', async () => {
    const repository = open(bandit(ARMS, { policy: 'epsilon-greedy', epsilon: 0.2, seed: 9 }), await freshDb());
    // Teach it that a is best: a few rewarded rounds, then stop rewarding.
    await play(repository, 40);
    const served: Served[] = [];
    for (let i = 0; i < 2000; i++) served.push(await serve(repository));
    // b is only ever chosen by exploring: ε/k = 0.1 of the requests.
    expect(share(served, 'b')).toBeGreaterThan(0.08);
    expect(share(served, 'b')).toBeLessThan(0.12);
    expect(new Set(served.filter((s) => s.arm === 'a').map((s) => s.propensity))).toEqual(new Set([0.9]));
    expect(new Set(served.filter((s) => s.arm === 'b').map((s) => s.propensity))).toEqual(new Set([0.1]));
  });

  it('breaks ties at random and says so in the propensity', () => {
    const random = mulberry32(5);
    const arms = [
      { arm: 'a', alpha: 0, beta: 0 },
      { arm: 'b', alpha: 0, beta: 0 },
    ];
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 1000; i++) {
      const choice = chooseEpsilonGreedy(arms, { alpha: 1, beta: 1 }, 0.1, random);
      expect(choice.propensity).toBeCloseTo(0.5, 12);
      counts[choice.arm as 'a' | 'b']++;
    }
    expect(counts.a).toBeGreaterThan(400);
    expect(counts.b).toBeGreaterThan(400);
  });
});

describe('bandit feedback', () => {
  it('applies a duplicate feedback once and ignores an unknown request id', async () => {
    const db = await freshDb();
    const repository = open(bandit(ARMS, { seed: 4 }), db);
    const s = await serve(repository);
    expect(await repository.rewardBandit({ requestId: s.requestId, reward: 1 })).toEqual({ outcome: 'applied', bandit: 'choose/graph', arm: s.arm, reward: 1 });
    expect(await repository.rewardBandit({ requestId: s.requestId, reward: 1 })).toEqual({ outcome: 'duplicate' });
    await repository.notifyFeedback({ requestId: s.requestId, label: 'true' });
    expect(await repository.rewardBandit({ requestId: 'never-served', reward: 1 })).toEqual({ outcome: 'unknown' });
    await repository.close();
    const store = openSqliteBanditStore({ path: db });
    expect((await store.arms('choose/graph')).map((a) => [a.arm, a.pulls, a.alpha, a.beta])).toEqual([[s.arm, 1, 1, 0]]);
    await store.close();
  });

  it('maps label and value to a reward in [0, 1] and ignores what is not one', () => {
    expect(rewardOf({ reward: 0.25 })).toBe(0.25);
    expect(rewardOf({ value: 1 })).toBe(1);
    expect(rewardOf({ label: 'Click' })).toBe(1);
    expect(rewardOf({ label: 'no' })).toBe(0);
    expect(rewardOf({ label: 'setosa' })).toContain('not a success/failure label');
    expect(rewardOf({ reward: 3 })).toContain('outside [0, 1]');
    expect(rewardOf({})).toContain('no reward');
  });

  it('ignores feedback without a request id, or with no bandit served (and then opens no store)', async () => {
    const db = await freshDb();
    const repository = open(bandit(ARMS), db);
    expect(await repository.rewardBandit({ key: 'user-1', reward: 1 })).toMatchObject({ outcome: 'ignored' });
    const plain = new ServiceRepository([service('plain', model('m'))], { banditStoreUrl: path.join(path.dirname(db), 'never.db') });
    repositories.push(plain);
    expect(await plain.rewardBandit({ requestId: 'r', reward: 1 })).toEqual({ outcome: 'ignored', reason: 'no bandit node is served' });
  });

  it('a store that cannot be opened does not fail requests (choices from the prior)', async () => {
    const errors: unknown[] = [];
    const repository = new ServiceRepository([service('choose', bandit(ARMS, { seed: 1 }))], {
      banditStoreUrl: 'mysql://nowhere/db',
      onBanditError: (err) => errors.push(err),
    });
    repositories.push(repository);
    const s = await serve(repository);
    expect(['a', 'b']).toContain(s.arm);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('bandit config', () => {
  const config = (node: Record<string, unknown>) => ({
    models: [{ name: 'sum', path: SUM }],
    services: [{ name: 'b', graph: { type: 'bandit', arms: { a: { type: 'model', model: 'sum' } }, ...node } }],
  });

  it('refuses no arms, a bad epsilon, epsilon without epsilon-greedy, a bad prior and an unknown policy', () => {
    expect(problemsOf(config({ arms: {} }))).toContain('a bandit node needs at least one arm');
    expect(problemsOf(config({ policy: 'epsilon-greedy', epsilon: 1.5 }))).toContain('epsilon is a fraction from 0 to 1');
    expect(problemsOf(config({ policy: 'epsilon-greedy', epsilon: -0.1 }))).toContain('epsilon is a fraction from 0 to 1');
    expect(problemsOf(config({ epsilon: 0.2 }))).toContain('"epsilon" needs policy: epsilon-greedy');
    expect(problemsOf(config({ prior: { alpha: 0, beta: 1 } }))).toContain('alpha and beta must be more than 0');
    expect(problemsOf(config({ policy: 'ucb' }))).toContain('services.0.graph.policy');
  });

  it('refuses every arm switched off, and a cache around a bandit', () => {
    expect(problemsOf(config({ arms: { a: { type: 'model', model: 'sum', active: false } } }))).toContain('every arm is switched off');
    const cached = { models: [{ name: 'sum', path: SUM }], services: [service('c', cache(bandit({ a: model('sum') })))] };
    expect(problemsOf(cached)).toContain('a cache cannot wrap a bandit node');
  });
});

describe('bandit node over HTTP', () => {
  let server: RunningServer | undefined;
  afterAll(async () => server?.close());

  it('names the arm and its propensity in the answer, and survives a server restart', async () => {
    const stateDir = path.dirname(await freshDb());
    const start = () =>
      startTestServer(
        [
          { name: 'sum', path: SUM },
          { name: 'gated', path: GATED },
        ],
        { storage: { stateDir }, services: [service('pick', bandit({ a: model('sum'), b: model('gated') }, { policy: 'epsilon-greedy', epsilon: 0.5, seed: 3 }))] },
      );
    server = await start();
    const res = await postJson<{ predictions: unknown[]; variant: string; propensity: number[]; request_id: string }>(`${server.url}/v1/services/pick/predict`, {
      instances: [[1]],
    });
    expect(res.status).toBe(200);
    expect(['a', 'b']).toContain(res.body.variant);
    expect(res.body.predictions).toEqual(res.body.variant === 'a' ? [1] : [[2]]);
    expect(res.body.propensity).toEqual([0.5]); // a tie of untried arms: 0.5/2 + 0.5/2
    expect(await server.services?.rewardBandit({ requestId: res.body.request_id, reward: 1 })).toMatchObject({ outcome: 'applied', arm: res.body.variant });
    await server.close();
    server = await start();
    // After the restart the rewarded arm is the greedy one: chosen with 0.5 + 0.25.
    const again = await postJson<{ variant: string; propensity: number[] }>(`${server.url}/v1/services/pick/predict`, { instances: [[1]] });
    expect(again.body.propensity).toEqual(again.body.variant === res.body.variant ? [0.75] : [0.25]);
  });

  it('takes rewards from POST /v1/feedback, once per request id', async () => {
    await server?.close();
    const stateDir = path.dirname(await freshDb());
    server = await startTestServer([{ name: 'sum', path: SUM }], {
      storage: { stateDir },
      services: [service('pick', bandit({ a: model('sum') }, { name: 'feedback-demo' }))],
    });
    const res = await postJson<{ variant: string; propensity: number[]; request_id: string }>(`${server.url}/v1/services/pick/predict`, { instances: [[1]] });
    expect(res.body).toMatchObject({ variant: 'a', propensity: [1] });
    const first = await postJson(`${server.url}/v1/feedback`, { request_id: res.body.request_id, reward: 1 });
    expect(first.status).toBe(201);
    const second = await postJson(`${server.url}/v1/feedback`, { request_id: res.body.request_id, reward: 1 });
    expect(second.status).toBe(200);
    await server.close();
    server = undefined;
    const store = openSqliteBanditStore({ path: path.join(stateDir, 'mlpatterns.db') });
    expect((await store.arms('feedback-demo')).map((a) => [a.arm, a.pulls, a.alpha, a.beta])).toEqual([['a', 1, 1, 0]]);
    await store.close();
  });
});
