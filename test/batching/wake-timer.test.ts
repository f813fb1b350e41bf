import { describe, expect, it } from 'vitest';
import { WakeTimer } from '../../src/serving/batching/wake-timer.js';

/** Arms a timer and resolves with the performance.now() time it fired at. */
function fireTime(precise: boolean, at: number): Promise<number> {
  return new Promise((resolve) => new WakeTimer(() => resolve(performance.now()), precise).armAt(at));
}

describe('WakeTimer', () => {
  it.each([0, 0.05, 0.3, 0.9, 1.5, 4])('precise: never fires before its time (+%f ms)', async (offset) => {
    const at = performance.now() + offset;
    expect(await fireTime(true, at)).toBeGreaterThanOrEqual(at);
  });

  it.each([0.3, 2])('coarse: never fires before its time either (+%f ms)', async (offset) => {
    const at = performance.now() + offset;
    expect(await fireTime(false, at)).toBeGreaterThanOrEqual(at);
  });

  it('keeps the earliest arming, and fires once per arming', async () => {
    const fired: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const timer = new WakeTimer(() => {
      fired.push(performance.now());
      done();
    }, true);
    const now = performance.now();
    timer.armAt(now + 50);
    timer.armAt(now + 0.5); // earlier: replaces
    timer.armAt(now + 20); // later: ignored
    expect(timer.armedAt).toBe(now + 0.5);
    await finished;
    expect(fired).toHaveLength(1);
    expect(timer.armedAt).toBe(Infinity);
  });

  it('cancel() prevents firing', async () => {
    let fired = 0;
    const timer = new WakeTimer(() => fired++, true);
    timer.armAt(performance.now() + 0.2);
    timer.cancel();
    // A later timer armed after the cancelled one's time proves it had its chance.
    await fireTime(true, performance.now() + 2);
    expect(fired).toBe(0);
  });
});
