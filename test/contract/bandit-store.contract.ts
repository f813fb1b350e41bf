import { afterEach, describe, expect, it } from 'vitest';
import type { BanditDecision, BanditStore } from '../../src/ports/bandit-store.js';

/** Two stores on one database (as two servers would hold), sharing a clock. */
export interface SharedBanditStores {
  readonly a: BanditStore;
  readonly b: BanditStore;
}

export type SharedBanditStoresFactory = (now: () => Date) => Promise<SharedBanditStores>;

const NOW = new Date('2026-01-02T03:04:05.000Z');

const decision = (requestId: string, arm: string, propensity = 0.5, bandit = 'svc/graph'): BanditDecision => ({
  requestId,
  bandit,
  arm,
  propensity,
  createdAt: '2026-01-02T03:04:00.000Z',
});

/** The behaviour every BanditStore adapter must have (SQLite, PostgreSQL). */
export function banditStoreContract(open: SharedBanditStoresFactory): void {
  const opened: BanditStore[] = [];
  const fresh = async (): Promise<SharedBanditStores> => {
    const stores = await open(() => NOW);
    opened.push(stores.a, stores.b);
    return stores;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe('decisions', () => {
    it('counts a pull per recorded decision, per arm, and keeps bandits apart', async () => {
      const { a, b } = await fresh();
      await a.recordDecisions([decision('r1', 'x'), decision('r2', 'x'), decision('r3', 'y'), decision('r4', 'x', 1, 'other')]);
      expect((await b.arms('svc/graph')).map((s) => [s.arm, s.pulls, s.alpha, s.beta, s.rewardSum])).toEqual([
        ['x', 2, 0, 0, 0],
        ['y', 1, 0, 0, 0],
      ]);
      expect((await b.arms('other')).map((s) => [s.arm, s.pulls])).toEqual([['x', 1]]);
      expect(await b.arms('nobody')).toEqual([]);
    });

    it('does not count a request id twice (a retried batch)', async () => {
      const { a, b } = await fresh();
      await a.recordDecisions([decision('r1', 'x')]);
      await b.recordDecisions([decision('r1', 'x'), decision('r2', 'x')]);
      expect((await a.arms('svc/graph')).map((s) => s.pulls)).toEqual([2]);
    });

    it('accepts an empty batch', async () => {
      const { a } = await fresh();
      await a.recordDecisions([]);
      expect(await a.arms('svc/graph')).toEqual([]);
    });
  });

  describe('rewards', () => {
    it('adds a reward to the arm that served the request: alpha += r, beta += 1 - r', async () => {
      const { a, b } = await fresh();
      await a.recordDecisions([decision('r1', 'x', 0.25), decision('r2', 'x'), decision('r3', 'y')]);
      const first = await b.applyReward('r1', 1);
      expect(first.outcome).toBe('applied');
      if (first.outcome !== 'applied') return;
      expect(first.decision).toMatchObject({ requestId: 'r1', bandit: 'svc/graph', arm: 'x', propensity: 0.25 });
      expect(first.arm).toMatchObject({ arm: 'x', pulls: 2, alpha: 1, beta: 0, rewardSum: 1, updatedAt: NOW.toISOString() });
      await b.applyReward('r2', 0.25);
      await a.applyReward('r3', 0);
      const arms = await a.arms('svc/graph');
      expect(arms.map((s) => [s.arm, s.pulls, s.alpha, s.beta, s.rewardSum])).toEqual([
        ['x', 2, 1.25, 0.75, 1.25],
        ['y', 1, 0, 1, 0],
      ]);
    });

    it('applies a reward once per request id, even when two stores race', async () => {
      const { a, b } = await fresh();
      await a.recordDecisions([decision('r1', 'x')]);
      const results = await Promise.all([a.applyReward('r1', 1), b.applyReward('r1', 1), a.applyReward('r1', 1)]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
      const again = await b.applyReward('r1', 0);
      expect(again).toMatchObject({ outcome: 'duplicate', decision: { arm: 'x' } });
      expect((await a.arms('svc/graph')).map((s) => [s.alpha, s.beta])).toEqual([[1, 0]]);
    });

    it('reports an unknown request id and changes nothing', async () => {
      const { a } = await fresh();
      await a.recordDecisions([decision('r1', 'x')]);
      expect(await a.applyReward('nope', 1)).toEqual({ outcome: 'unknown' });
      expect((await a.arms('svc/graph')).map((s) => [s.alpha, s.beta])).toEqual([[0, 0]]);
    });
  });
}
