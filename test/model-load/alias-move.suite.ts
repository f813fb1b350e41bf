import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openRegistry, type OpenedRegistry } from '../../src/app/open-registry.js';
import type { RunningServer } from '../../src/app/serve.js';
import { validatePackage } from '../../src/app/validate-package.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { FIXTURES, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { getJson, postJson, startTestServer } from '../helpers/server.js';

interface Outcome {
  status: number;
  version?: string;
  correct: boolean;
}

/**
 * Model load, end to end: versions registered, a server started on
 * `iris@production`, steady traffic while the alias moves several times.
 * Not one request may fail, and each answer must come from the version it names.
 */
export function aliasMoveSuite(metadataUrl: () => Promise<string | undefined>): void {
  let dir: string;
  let storage: ConfigInput['storage'];
  let opened: OpenedRegistry;
  let server: RunningServer;
  const rows = expected.inputs.slice(0, 20);
  const byVersion: Record<string, number[][]> = { '1': expected.iris_svc.slice(0, 20), '2': expected.iris_rf.slice(0, 20) };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-alias-'));
    const url = await metadataUrl();
    storage = { stateDir: dir, ...(url ? { metadata: url } : {}) };
    opened = await openRegistry({ stateDir: dir, ...(url ? { metadata: url } : {}) });
    for (const file of ['iris_svc.onnx', 'iris_rf.onnx']) {
      const source = path.join(FIXTURES, file);
      await opened.registry.register({ name: 'iris', path: source, validate: (dir) => validatePackage(dir) });
    }
    await opened.registry.setAlias('iris', 'production', 1);
    // A long poll period: the test drives checks itself so that each move is awaited, not slept on.
    server = await startTestServer([{ name: 'iris', ref: 'iris@production', pollIntervalMs: 60_000 }], { storage });
  });

  afterAll(async () => {
    await server?.close();
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the version the alias points at', async () => {
    const res = await getJson<{ version: string }>(`${server.url}/v1/models/iris/metadata`);
    expect(res.body.version).toBe('1');
  });

  it('switches versions under load without failing a request', async () => {
    const outcomes: Outcome[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const res = await postJson<{ predictions: number[][]; model: { version: string } }>(`${server.url}/v1/models/iris/predict`, { instances: rows });
        const version = res.body.model?.version;
        const want = version ? byVersion[version] : undefined;
        outcomes.push({ status: res.status, ...(version ? { version } : {}), correct: !!want && maxAbsDiff(res.body.predictions, want) < 1e-4 });
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    const watcher = server.watchers[0];
    expect(watcher).toBeDefined();
    for (const target of [2, 1, 2, 1, 2]) {
      const before = outcomes.length;
      await opened.registry.setAlias('iris', 'production', target);
      await watcher?.check(); // resolves once the new version serves
      const host = server.repository.get('iris');
      expect(host.current.version).toBe(String(target));
      await host.whenDrained(); // and the old one finished its in-flight requests and was released
      expect(host.loadedVersions).toHaveLength(1);
      // Let traffic reach the new version before moving again.
      while (outcomes.slice(before).filter((o) => o.version === String(target)).length < 5) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    stop = true;
    await Promise.all(workers);
    const failed = outcomes.filter((o) => o.status !== 200 || !o.correct);
    expect(failed).toEqual([]);
    expect(new Set(outcomes.map((o) => o.version))).toEqual(new Set(['1', '2']));
    expect(outcomes.length).toBeGreaterThan(25);
  });

  it('follows a move on its own poll timer', async () => {
    const quick = await startTestServer([{ name: 'iris', ref: 'iris@production', pollIntervalMs: 25 }], { storage });
    try {
      await opened.registry.setAlias('iris', 'production', 1);
      const deadline = Date.now() + 10_000;
      let version = '';
      while (version !== '1' && Date.now() < deadline) {
        version = (await getJson<{ version: string }>(`${quick.url}/v1/models/iris/metadata`)).body.version;
      }
      expect(version).toBe('1');
    } finally {
      await quick.close();
    }
  });
}
