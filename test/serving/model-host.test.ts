import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/serving/loaded-model.js';
import { ModelHost } from '../../src/serving/model-host.js';

function fakeModel(version: string, log: string[]): LoadedModel {
  return {
    name: 'm',
    version,
    dispose: async () => {
      log.push(`dispose ${version}`);
    },
  } as unknown as LoadedModel;
}

describe('ModelHost', () => {
  it('disposes an idle old version at once on swap', async () => {
    const log: string[] = [];
    const host = new ModelHost(fakeModel('1', log));
    host.swap(fakeModel('2', log));
    expect(host.current.version).toBe('2');
    await host.whenDrained();
    expect(log).toEqual(['dispose 1']);
  });

  it('keeps a leased old version alive until its last lease is released (drain)', async () => {
    const log: string[] = [];
    const host = new ModelHost(fakeModel('1', log));
    const a = host.acquire();
    const b = host.acquire();
    host.swap(fakeModel('2', log));
    let drained = false;
    const drain = host.whenDrained().then(() => (drained = true));
    // New requests get the new version immediately.
    const c = host.acquire();
    expect(c.model.version).toBe('2');
    expect(host.loadedVersions.map((m) => m.version)).toEqual(['2', '1']);
    a.release();
    a.release(); // double release is harmless
    await Promise.resolve();
    expect(log).toEqual([]);
    expect(drained).toBe(false);
    b.release();
    await drain;
    expect(drained).toBe(true);
    expect(log).toEqual(['dispose 1']);
    expect(host.loadedVersions.map((m) => m.version)).toEqual(['2']);
    c.release();
    expect(log).toEqual(['dispose 1']);
  });

  it('close disposes current and draining versions once', async () => {
    const log: string[] = [];
    const host = new ModelHost(fakeModel('1', log));
    const lease = host.acquire();
    host.swap(fakeModel('2', log));
    await host.close();
    lease.release();
    expect(log.sort()).toEqual(['dispose 1', 'dispose 2']);
  });
});
