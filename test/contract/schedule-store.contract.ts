import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleStore } from '../../src/ports/schedule-store.js';

/** Two stores on one database (as two schedulers on two machines would hold), sharing a settable clock. */
export interface SharedStores {
  readonly a: ScheduleStore;
  readonly b: ScheduleStore;
}

/** Opens two stores on a fresh database; every timestamp they write comes from `now`. */
export type SharedStoresFactory = (now: () => Date) => Promise<SharedStores>;

const TICK = new Date('2026-01-02T03:04:00.000Z');
const NEXT = new Date('2026-01-02T03:05:00.000Z');
const LEASE = 60_000;

/** The behaviour every ScheduleStore adapter must have (SQLite, PostgreSQL). */
export function scheduleStoreContract(open: SharedStoresFactory): void {
  let clock = new Date('2026-01-02T03:04:00.010Z');
  const now = (): Date => clock;
  const opened: ScheduleStore[] = [];
  const fresh = async (): Promise<SharedStores> => {
    clock = new Date('2026-01-02T03:04:00.010Z');
    const stores = await open(now);
    opened.push(stores.a, stores.b);
    return stores;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe('claiming a tick', () => {
    it('lets exactly one of two concurrent claims of a tick run it', async () => {
      const { a, b } = await fresh();
      const results = await Promise.all([
        a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE }),
        b.claim({ schedule: 's', scheduledAt: TICK, owner: 'b', staleAfterMs: LEASE }),
      ]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['claimed', 'taken']);
      const history = await a.history('s', 10);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ status: 'running', scheduledAt: TICK.toISOString(), attempts: 0, finishedAt: null });
    });

    it('refuses a tick already run, also after it finished', async () => {
      const { a, b } = await fresh();
      const first = await a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE });
      if (first.outcome !== 'claimed') throw new Error('expected a claim');
      await a.finish(first.run.id, { status: 'succeeded', attempts: 1 });
      expect(await b.claim({ schedule: 's', scheduledAt: TICK, owner: 'b', staleAfterMs: LEASE })).toEqual({ outcome: 'taken' });
    });

    it('records the next tick as skipped (overlap) while the previous run is running', async () => {
      const { a, b } = await fresh();
      await a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE });
      clock = new Date(NEXT.getTime() + 5);
      const second = await b.claim({ schedule: 's', scheduledAt: NEXT, owner: 'b', staleAfterMs: LEASE });
      expect(second).toMatchObject({ outcome: 'overlap', run: { status: 'skipped', error: 'overlap', owner: 'b', attempts: 0 } });
      expect(second.outcome === 'overlap' && second.run.finishedAt).toBe(clock.toISOString());
    });

    it('keeps schedules apart: one running schedule does not block another', async () => {
      const { a } = await fresh();
      await a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE });
      expect((await a.claim({ schedule: 't', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE })).outcome).toBe('claimed');
    });

    it('takes a running run whose heartbeat is older than the lease as abandoned', async () => {
      const { a, b } = await fresh();
      const first = await a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE });
      if (first.outcome !== 'claimed') throw new Error('expected a claim');
      clock = new Date(clock.getTime() + 30_000);
      await a.heartbeat(first.run.id, 2);
      // 30 s after the heartbeat: still alive, the next tick overlaps.
      clock = new Date(clock.getTime() + 30_000);
      expect((await b.claim({ schedule: 's', scheduledAt: NEXT, owner: 'b', staleAfterMs: LEASE })).outcome).toBe('overlap');
      // Past the lease: the old run is failed as abandoned and the tick runs.
      clock = new Date(clock.getTime() + LEASE);
      const third = new Date(NEXT.getTime() + 60_000);
      expect((await b.claim({ schedule: 's', scheduledAt: third, owner: 'b', staleAfterMs: LEASE })).outcome).toBe('claimed');
      const old = (await b.history('s', 10)).find((r) => r.id === first.run.id);
      expect(old).toMatchObject({ status: 'failed', attempts: 2 });
      expect(old?.error).toMatch(/abandoned/);
    });
  });

  describe('finishing and history', () => {
    it('records the outcome, attempts, error and summary, newest tick first', async () => {
      const { a, b } = await fresh();
      const first = await a.claim({ schedule: 's', scheduledAt: TICK, owner: 'a', staleAfterMs: LEASE });
      if (first.outcome !== 'claimed') throw new Error('expected a claim');
      clock = new Date('2026-01-02T03:04:02.500Z');
      const done = await a.finish(first.run.id, { status: 'succeeded', attempts: 2, summary: { rows: 150, outputs: ['t'] } });
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, error: null, summary: { rows: 150, outputs: ['t'] }, finishedAt: '2026-01-02T03:04:02.500Z' });
      const second = await b.claim({ schedule: 's', scheduledAt: NEXT, owner: 'b', staleAfterMs: LEASE });
      if (second.outcome !== 'claimed') throw new Error('expected a claim');
      await b.finish(second.run.id, { status: 'failed', attempts: 3, error: 'input missing' });

      const history = await a.history('s', 10);
      expect(history.map((r) => [r.scheduledAt, r.status, r.owner, r.error])).toEqual([
        [NEXT.toISOString(), 'failed', 'b', 'input missing'],
        [TICK.toISOString(), 'succeeded', 'a', null],
      ]);
      expect(await a.history('s', 1)).toHaveLength(1);
      expect(await a.history('unknown', 10)).toEqual([]);
    });
  });
}
