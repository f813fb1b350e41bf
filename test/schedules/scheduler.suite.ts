import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleStore } from '../../src/ports/schedule-store.js';
import { Scheduler, type RunScheduledJob, type ScheduleEvent } from '../../src/schedules/scheduler.js';
import { deferred, scheduleEntry, until, type StorePair } from './helpers.js';

const TICK = new Date('2026-03-04T02:00:00.000Z');
const NEXT = new Date('2026-03-05T02:00:00.000Z');

/** Scheduler behaviour over one kind of shared store (two schedulers = two machines). */
export function schedulerSuite(pair: StorePair): void {
  const open: { close: () => Promise<void> }[] = [];
  const track = <T extends { close: () => Promise<void> } | Scheduler>(thing: T): T => {
    open.push(thing instanceof Scheduler ? { close: () => thing.stop() } : thing);
    return thing;
  };
  const stores = async (): Promise<{ a: ScheduleStore; b: ScheduleStore }> => {
    const { a, b } = await pair();
    track(a);
    track(b);
    return { a, b };
  };

  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  it('runs a tick that two schedulers fire at once exactly once', async () => {
    const { a, b } = await stores();
    const calls: string[] = [];
    const runJob = (owner: string): RunScheduledJob => async () => {
      calls.push(owner);
      return { rows: 3 };
    };
    const schedules = [scheduleEntry()];
    const one = track(new Scheduler({ schedules, store: a, runJob: runJob('one'), owner: 'one' }));
    const two = track(new Scheduler({ schedules, store: b, runJob: runJob('two'), owner: 'two' }));
    const results = await Promise.all([one.tick('nightly', TICK), two.tick('nightly', TICK)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['ran', 'taken']);
    expect(calls).toHaveLength(1);
    const history = await a.history('nightly', 10);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ status: 'succeeded', attempts: 1, summary: { rows: 3 }, owner: calls[0], scheduledAt: TICK.toISOString() });
  });

  it('skips and records a tick that comes while the previous run is still running', async () => {
    const { a, b } = await stores();
    const release = deferred();
    const started = deferred();
    let calls = 0;
    const runJob: RunScheduledJob = async () => {
      calls += 1;
      started.resolve();
      await release.promise;
      return {};
    };
    const one = track(new Scheduler({ schedules: [scheduleEntry()], store: a, runJob, owner: 'one' }));
    const two = track(new Scheduler({ schedules: [scheduleEntry()], store: b, runJob, owner: 'two' }));
    const first = one.tick('nightly', TICK);
    await started.promise;
    const second = await two.tick('nightly', NEXT);
    expect(second).toMatchObject({ outcome: 'overlap', run: { status: 'skipped', error: 'overlap', owner: 'two' } });
    release.resolve();
    expect(await first).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });
    expect(calls).toBe(1);
    const history = await a.history('nightly', 10);
    expect(history.map((r) => [r.scheduledAt, r.status, r.error])).toEqual([
      [NEXT.toISOString(), 'skipped', 'overlap'],
      [TICK.toISOString(), 'succeeded', null],
    ]);
  });

  it('retries a failing run with backoff, then records it failed', async () => {
    const { a } = await stores();
    const attempts: number[] = [];
    const events: ScheduleEvent['type'][] = [];
    const runJob: RunScheduledJob = async (_entry, ctx) => {
      attempts.push(ctx.attempt);
      throw new Error(`input missing (attempt ${ctx.attempt})`);
    };
    const scheduler = track(new Scheduler({ schedules: [scheduleEntry({ retries: 2 })], store: a, runJob, onEvent: (e) => events.push(e.type) }));
    const result = await scheduler.tick('nightly', TICK);
    expect(attempts).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ outcome: 'ran', run: { status: 'failed', attempts: 3, error: 'input missing (attempt 3)' } });
    expect(events).toEqual(['claimed', 'attempt-failed', 'attempt-failed', 'attempt-failed', 'finished']);
    expect((await a.history('nightly', 1))[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('records a run that succeeds on a retry as succeeded, with its attempts', async () => {
    const { a } = await stores();
    const runJob: RunScheduledJob = async (_entry, ctx) => {
      if (ctx.attempt === 1) throw new Error('database restarting');
      return { keysWritten: 150 };
    };
    const scheduler = track(new Scheduler({ schedules: [scheduleEntry()], store: a, runJob }));
    expect(await scheduler.tick('nightly', TICK)).toMatchObject({ run: { status: 'succeeded', attempts: 2, summary: { keysWritten: 150 }, error: null } });
  });

  it('lists the run history newest first, across schedulers', async () => {
    const { a, b } = await stores();
    const runJob: RunScheduledJob = async (_entry, ctx) => ({ tick: ctx.scheduledAt.toISOString() });
    const one = track(new Scheduler({ schedules: [scheduleEntry()], store: a, runJob, owner: 'one' }));
    const two = track(new Scheduler({ schedules: [scheduleEntry()], store: b, runJob, owner: 'two' }));
    await one.tick('nightly', TICK);
    await two.tick('nightly', NEXT);
    const history = await b.history('nightly', 10);
    expect(history.map((r) => [r.owner, r.summary])).toEqual([
      ['two', { tick: NEXT.toISOString() }],
      ['one', { tick: TICK.toISOString() }],
    ]);
  });

  it('keeps refreshing the heartbeat of a long run, so other schedulers do not take it as abandoned', async () => {
    const { a, b } = await stores();
    const heartbeat = async (): Promise<string | undefined> => (await b.history('nightly', 1))[0]?.heartbeatAt;
    const runJob: RunScheduledJob = async () => {
      const first = await heartbeat();
      await until(async () => (await heartbeat()) !== first);
      return {};
    };
    // Lease 60 ms: a heartbeat every 20 ms.
    const scheduler = track(new Scheduler({ schedules: [scheduleEntry()], store: a, runJob, leaseMs: 60 }));
    expect(await scheduler.tick('nightly', TICK)).toMatchObject({ run: { status: 'succeeded' } });
  });

  it('aborts a running job on stop and records why', async () => {
    const { a } = await stores();
    const started = deferred();
    const runJob: RunScheduledJob = (_entry, ctx) =>
      new Promise((_resolve, reject) => {
        started.resolve();
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const scheduler = new Scheduler({ schedules: [scheduleEntry()], store: a, runJob });
    const running = scheduler.tick('nightly', TICK);
    await started.promise;
    await scheduler.stop();
    expect(await running).toMatchObject({ run: { status: 'failed', attempts: 1 } });
    expect((await a.history('nightly', 1))[0]?.error).toMatch(/^stopped: the scheduler shut down \(aborted\)/);
  });

  describe('on a real cron', () => {
    it('fires every second and names the tick by its whole-second cron time', async () => {
      const { a } = await stores();
      const finished = deferred<ScheduleEvent>();
      const runJob: RunScheduledJob = async () => ({ ok: true });
      const scheduler = track(
        new Scheduler({
          schedules: [scheduleEntry({ name: 'every-second', cron: '* * * * * *' })],
          store: a,
          runJob,
          onEvent: (e) => e.type === 'finished' && finished.resolve(e),
        }),
      );
      scheduler.start();
      const event = await finished.promise;
      expect(event).toMatchObject({ run: { schedule: 'every-second', status: 'succeeded' } });
      const at = event.type === 'finished' ? new Date(event.run.scheduledAt) : new Date(NaN);
      expect(at.getUTCMilliseconds()).toBe(0);
      expect(Math.abs(Date.now() - at.getTime())).toBeLessThan(5000);
    });

    it('lists next fire times, none for a disabled schedule', () => {
      const scheduler = new Scheduler({
        schedules: [scheduleEntry(), scheduleEntry({ name: 'off', enabled: false })],
        store: undefined as unknown as ScheduleStore,
        runJob: async () => ({}),
      });
      expect(scheduler.nextRuns('nightly', 2, new Date('2026-03-04T01:00:00Z')).map((d) => d.toISOString())).toEqual([
        '2026-03-04T02:00:00.000Z',
        '2026-03-05T02:00:00.000Z',
      ]);
      expect(scheduler.nextRuns('off', 2)).toEqual([]);
    });
  });
}
