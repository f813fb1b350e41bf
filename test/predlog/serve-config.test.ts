import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { startCliServer } from '../helpers/cli.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';

// Runs the built CLI: `npm run build` first. `mlpatterns serve <config>` once dropped the
// config's logging section, so `store: none` and `path` were ignored (and the bench's
// "log off" server logged too).
describe('mlpatterns serve <config> applies logging.predictions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-serve-logging-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function serveWith(name: string, predictions: string): Promise<{ url: string; stop: () => Promise<void> }> {
    const config = path.join(dir, `${name}.yaml`);
    writeFileSync(config, `models:\n  - { name: iris, path: ${JSON.stringify(IRIS_EXAMPLE)} }\nstorage: { stateDir: ${name}-state }\nlogging:\n  predictions: ${predictions}\n`);
    const { url, child, exited } = await startCliServer([config, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent']);
    const predict = await fetch(`${url}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"instances": [[5.1, 3.5, 1.4, 0.2]]}' });
    expect(predict.status).toBe(200);
    return {
      url,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  it('store "none": nothing is logged, and the read API says the log is off', async () => {
    const server = await serveWith('off', '{ store: none }');
    try {
      const res = await fetch(`${server.url}/v1/logs`);
      expect([res.status, ((await res.json()) as { code?: string }).code]).toEqual([503, 'PREDICTION_LOG_DISABLED']);
    } finally {
      await server.stop();
    }
    expect(existsSync(path.join(dir, 'off-state', 'predictions.sqlite'))).toBe(false);
  });

  it('store "sqlite" with a path: records go to that file', async () => {
    const server = await serveWith('on', '{ store: sqlite, path: custom/log.sqlite }');
    await server.stop(); // shutdown flushes the buffer
    const log = new SqliteEventLog({ path: path.join(dir, 'custom', 'log.sqlite') });
    try {
      expect((await log.query({ model: 'iris' })).records).toHaveLength(1);
    } finally {
      await log.close();
    }
    expect(existsSync(path.join(dir, 'on-state', 'predictions.sqlite'))).toBe(false);
  });
});
