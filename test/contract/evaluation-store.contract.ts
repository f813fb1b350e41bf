import { afterEach, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import { isMlError } from '../../src/errors/ml-error.js';
import type { EvaluationStore } from '../../src/ports/evaluation-store.js';

/** Two stores on one fresh database (a scheduler and an `eval report --stored` elsewhere), sharing a settable clock. */
export interface SharedEvaluationStores {
  readonly a: EvaluationStore;
  readonly b: EvaluationStore;
}

export type SharedEvaluationStoresFactory = (now: () => Date) => Promise<SharedEvaluationStores>;

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A window of `model` version `version` starting at `start`, `width` wide. */
function windowOf(start: string, fields: Partial<Evaluation> = {}, width = DAY): Evaluation {
  return {
    model: 'churn',
    version: '1',
    window_start: start,
    window_end: new Date(Date.parse(start) + width).toISOString(),
    predictions: 10,
    joined: 6,
    unjoined: 4,
    // Repeating decimals: a store that rounds (REAL vs double, text formatting) fails the exact comparison.
    classification: { count: 6, accuracy: 2 / 3, precision: 0.7222222222222222, recall: 0.6111111111111112, f1: 0.6190476190476191 },
    ...fields,
  };
}

const D1 = '2026-03-01T00:00:00.000Z';
const D2 = '2026-03-02T00:00:00.000Z';
const D3 = '2026-03-03T00:00:00.000Z';

/** The behaviour every EvaluationStore adapter must have (SQLite, PostgreSQL). */
export function evaluationStoreContract(open: SharedEvaluationStoresFactory): void {
  let clock = new Date('2026-03-04T01:00:00.000Z');
  const now = (): Date => clock;
  const opened: EvaluationStore[] = [];
  const fresh = async (): Promise<SharedEvaluationStores> => {
    clock = new Date('2026-03-04T01:00:00.000Z');
    const stores = await open(now);
    opened.push(stores.a, stores.b);
    return stores;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe('saving windows', () => {
    it('stores new windows with every number exact, read back from another connection', async () => {
      const { a, b } = await fresh();
      const regression: Evaluation = {
        model: 'eta',
        version: '3',
        window_start: D1,
        window_end: D2,
        predictions: 7,
        joined: 5,
        unjoined: 2,
        regression: { count: 5, mae: 2.5 / 3, rmse: Math.sqrt(2.25 / 3), mape: null },
        reward: { count: 2, mean: 0.125 },
      };
      expect(await a.save([windowOf(D1), regression])).toEqual({ created: 2, revised: 0, unchanged: 0, kept: 0 });
      const stored = await b.list();
      const stamp = clock.toISOString();
      expect(stored).toEqual([
        { ...windowOf(D1), window_ms: DAY, computed_at: stamp, revised_at: stamp, revisions: 1 },
        { ...regression, window_ms: DAY, computed_at: stamp, revised_at: stamp, revisions: 1 },
      ]);
      expect(stored[1]).not.toHaveProperty('classification');
    });

    it('computing a window again with the same numbers only moves computed_at', async () => {
      const { a, b } = await fresh();
      await a.save([windowOf(D1)]);
      const first = clock.toISOString();
      clock = new Date('2026-03-04T02:00:00.000Z');
      expect(await b.save([windowOf(D1)])).toEqual({ created: 0, revised: 0, unchanged: 1, kept: 0 });
      expect(await a.list()).toEqual([{ ...windowOf(D1), window_ms: DAY, computed_at: clock.toISOString(), revised_at: first, revisions: 1 }]);
      expect(await a.revisions()).toHaveLength(1);
    });

    it('late feedback revises a past window and keeps each distinct result as a revision', async () => {
      const { a, b } = await fresh();
      await a.save([windowOf(D1), windowOf(D2)]);
      const first = clock.toISOString();
      clock = new Date('2026-03-05T01:00:00.000Z');
      const improved = windowOf(D1, { joined: 9, unjoined: 1, classification: { count: 9, accuracy: 7 / 9, precision: 0.8, recall: 0.75, f1: 0.7741935483870968 } });
      expect(await b.save([improved, windowOf(D2)])).toEqual({ created: 0, revised: 1, unchanged: 1, kept: 0 });
      const later = clock.toISOString();
      expect((await a.list({ windowMs: DAY }))[0]).toEqual({ ...improved, window_ms: DAY, computed_at: later, revised_at: later, revisions: 2 });
      expect(await a.revisions({ model: 'churn', since: new Date(D1), until: new Date(D2) })).toEqual([
        { ...windowOf(D1), window_ms: DAY, computed_at: first },
        { ...improved, window_ms: DAY, computed_at: later },
      ]);
    });

    it('keeps a stored window when a new result counts fewer predictions (records lost from the log)', async () => {
      const { a } = await fresh();
      await a.save([windowOf(D1)]);
      const partial = windowOf(D1, { predictions: 4, joined: 4, unjoined: 0 });
      expect(await a.save([partial])).toEqual({ created: 0, revised: 0, unchanged: 0, kept: 1 });
      expect((await a.list())[0]).toMatchObject({ predictions: 10, joined: 6, revisions: 1 });
    });

    it('two stores saving the same new window at once: one creates it, the other finds it', async () => {
      const { a, b } = await fresh();
      const [x, y] = await Promise.all([a.save([windowOf(D1), windowOf(D2)]), b.save([windowOf(D2), windowOf(D1)])]);
      expect((x?.created ?? 0) + (y?.created ?? 0)).toBe(2);
      expect((x?.unchanged ?? 0) + (y?.unchanged ?? 0)).toBe(2);
      expect(await a.list()).toHaveLength(2);
      expect(await a.revisions()).toHaveLength(2);
    });

    it('tells windows of the same start but another width apart', async () => {
      const { a } = await fresh();
      await a.save([windowOf(D1), windowOf(D1, { predictions: 3, joined: 1, unjoined: 2 }, HOUR)]);
      expect((await a.list()).map((e) => [e.window_ms, e.predictions])).toEqual([
        [HOUR, 3],
        [DAY, 10],
      ]);
    });

    it('refuses something that is not a window', async () => {
      const { a } = await fresh();
      const err: unknown = await a.save([{ ...windowOf(D1), window_end: D1 }]).catch((e: unknown) => e);
      expect(isMlError(err) && err.code).toBe('INVALID_REQUEST');
      expect(await a.list()).toEqual([]);
    });
  });

  describe('reading the timeline', () => {
    it('filters by model, version, width and period (windows overlapping since..until)', async () => {
      const { a } = await fresh();
      await a.save([windowOf(D1), windowOf(D2), windowOf(D3), windowOf(D2, { version: '2' }), windowOf(D2, { model: 'eta' }), windowOf(D2, {}, HOUR)]);
      const pick = (rows: Evaluation[]): string[] => rows.map((e) => `${e.model}:${e.version}@${e.window_start.slice(0, 10)}/${Date.parse(e.window_end) - Date.parse(e.window_start) === DAY ? 'd' : 'h'}`);
      expect(pick(await a.list({ model: 'churn', windowMs: DAY }))).toEqual(['churn:1@2026-03-01/d', 'churn:1@2026-03-02/d', 'churn:1@2026-03-03/d', 'churn:2@2026-03-02/d']);
      expect(pick(await a.list({ model: 'churn', version: '1', windowMs: DAY, since: new Date('2026-03-02T00:00:00.000Z'), until: new Date('2026-03-02T12:00:00.000Z') }))).toEqual(['churn:1@2026-03-02/d']);
      expect(pick(await a.list({ model: 'eta' }))).toEqual(['eta:1@2026-03-02/d']);
      expect(pick(await a.list({ windowMs: HOUR }))).toEqual(['churn:1@2026-03-02/h']);
      expect(await a.list({ model: 'unknown' })).toEqual([]);
    });

    it('latest: the newest window at the width with enough joined rows, the busiest version on a tie, complete ones on request', async () => {
      const { a } = await fresh();
      clock = new Date('2026-03-03T12:00:00.000Z'); // D3's window is in progress when computed
      await a.save([
        windowOf(D1, { joined: 50 }),
        windowOf(D2, { joined: 40 }),
        windowOf(D2, { version: '2', joined: 45 }),
        windowOf(D3, { joined: 5 }),
        windowOf(D3, {}, HOUR),
      ]);
      const latest = async (query: Partial<Parameters<EvaluationStore['latest']>[0]> = {}): Promise<string | undefined> => {
        const e = await a.latest({ model: 'churn', windowMs: DAY, ...query });
        return e === undefined ? undefined : `${e.version}@${e.window_start.slice(0, 10)}`;
      };
      expect(await latest()).toBe('1@2026-03-03');
      expect(await latest({ minJoined: 30 })).toBe('2@2026-03-02');
      expect(await latest({ minJoined: 30, version: '1' })).toBe('1@2026-03-02');
      expect(await latest({ minJoined: 46 })).toBe('1@2026-03-01');
      expect(await latest({ complete: true })).toBe('2@2026-03-02');
      expect(await latest({ minJoined: 51 })).toBeUndefined();
      expect(await latest({ model: 'eta' })).toBeUndefined();
      expect((await a.latest({ model: 'churn', windowMs: HOUR }))?.window_ms).toBe(HOUR);
    });
  });
}
