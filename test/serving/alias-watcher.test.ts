import { afterEach, describe, expect, it } from 'vitest';
import { AliasWatcher, type VersionResolver } from '../../src/serving/alias-watcher.js';
import type { LoadedModel } from '../../src/serving/loaded-model.js';
import { ModelHost } from '../../src/serving/model-host.js';

const model = (version: string): LoadedModel => ({ name: 'm', version, dispose: async () => undefined }) as unknown as LoadedModel;

/** A registry stand-in: `point(v)` moves the alias; `failNext` makes the next load throw once. */
function fakeRegistry() {
  let current = '1';
  let failNext = false;
  let loads = 0;
  const resolver: VersionResolver = {
    current: async () => {
      const version = current;
      return {
        key: version,
        load: async () => {
          loads++;
          if (failNext) {
            failNext = false;
            throw new Error('EMFILE: too many open files');
          }
          return model(version);
        },
      };
    },
  };
  return {
    resolver,
    point: (v: string) => (current = v),
    failOnce: () => (failNext = true),
    loads: () => loads,
  };
}

describe('AliasWatcher', () => {
  const watchers: AliasWatcher[] = [];
  afterEach(async () => {
    await Promise.all(watchers.map((w) => w.close()));
    watchers.length = 0;
  });

  it('retries a version whose load failed, after the backoff', async () => {
    const reg = fakeRegistry();
    const host = new ModelHost(model('1'));
    const watcher = new AliasWatcher('m', host, reg.resolver, '1', { intervalMs: 60_000, retryFailedAfterMs: 0 });
    watchers.push(watcher);
    reg.point('2');
    reg.failOnce();
    await watcher.check();
    expect(host.current.version).toBe('1'); // the failure kept the old version serving
    await watcher.check();
    expect(host.current.version).toBe('2'); // and the transient failure did not pin it forever
    expect(reg.loads()).toBe(2);
  });

  it('does not hammer a broken version within the backoff', async () => {
    const reg = fakeRegistry();
    const host = new ModelHost(model('1'));
    const watcher = new AliasWatcher('m', host, reg.resolver, '1', { intervalMs: 60_000, retryFailedAfterMs: 60_000 });
    watchers.push(watcher);
    reg.point('2');
    reg.failOnce();
    await watcher.check();
    await watcher.check();
    expect(reg.loads()).toBe(1);
    expect(host.current.version).toBe('1');
    reg.point('3'); // a further move is tried at once
    await watcher.check();
    expect(host.current.version).toBe('3');
  });

  it('follows a move while the previous version is still draining', async () => {
    const reg = fakeRegistry();
    const host = new ModelHost(model('1'));
    const watcher = new AliasWatcher('m', host, reg.resolver, '1', { intervalMs: 60_000 });
    watchers.push(watcher);
    const lease = host.acquire(); // holds version 1
    reg.point('2');
    await watcher.check();
    reg.point('3');
    await watcher.check(); // must not wait for version 1 to drain
    expect(host.current.version).toBe('3');
    expect(host.loadedVersions.map((m) => m.version)).toContain('1');
    lease.release();
    await host.whenDrained();
    expect(host.loadedVersions.map((m) => m.version)).toEqual(['3']);
    await watcher.close(); // closes promptly
  });
});
