import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteQueuePath } from '../../src/app/open-queue.js';
import { loadConfigFile, resolveConfig } from '../../src/config/load-config.js';
import { getJson } from '../helpers/server.js';
import { startJobServer, tempDir } from './helpers.js';

describe('queue config', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('defaults to an embedded SQLite queue in the state directory', () => {
    const config = resolveConfig({ storage: { stateDir: temp.dir } });
    expect(config.queue).toEqual({
      store: 'sqlite',
      url: 'redis://127.0.0.1:6379',
      concurrency: 1,
      leaseMs: 30_000,
      maxAttempts: 3,
      backoffMs: 1000,
      retentionMs: 86_400_000,
      inline: false,
    });
    expect(sqliteQueuePath(config)).toBe(path.join(temp.dir, 'queue.sqlite'));
  });

  it('resolves a relative path against the config file and interpolates ${ENV} in the Redis URL', async () => {
    const file = path.join(temp.dir, 'mlpatterns.yaml');
    writeFileSync(file, 'queue:\n  path: jobs/q.sqlite\n  store: redis\n  url: redis://${QUEUE_HOST}:6380\n  concurrency: 4\n  jobTimeoutMs: 2000\n');
    const config = await loadConfigFile(file, { QUEUE_HOST: 'queue.internal' });
    expect(config.queue).toMatchObject({ path: path.join(temp.dir, 'jobs/q.sqlite'), store: 'redis', url: 'redis://queue.internal:6380', concurrency: 4, jobTimeoutMs: 2000 });
  });

  it('refuses unknown stores, keys and bad numbers in one CONFIG_INVALID', () => {
    const error = (() => {
      try {
        resolveConfig({ queue: { store: 'kafka', concurrency: 0, retries: 2 } });
      } catch (err) {
        return err as Error & { code?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toMatch(/queue\.store/);
    expect(error?.message).toMatch(/queue\.concurrency/);
    expect(error?.message).toMatch(/retries/);
  });

  it('a server without a worker opens its queue only when a job route is used', async () => {
    const server = await startJobServer(temp.dir, { inline: false });
    try {
      const file = path.join(temp.dir, 'queue.sqlite');
      expect(existsSync(file)).toBe(false);
      await getJson(`${server.url}/v1/jobs/0b9f3c1e-4d7a-4c2b-9e8f-1a2b3c4d5e6f`);
      expect(existsSync(file)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
