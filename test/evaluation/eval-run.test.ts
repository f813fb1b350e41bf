import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, type OpenedRegistry } from '../../src/app/open-registry.js';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { validatePackage } from '../../src/app/validate-package.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import type { EvaluationRevision, StoredEvaluation } from '../../src/ports/evaluation-store.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, argmax, expected, fixtureLabels } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';

const labelOf = (i: number): string => fixtureLabels[argmax(expected.iris_svc[i] as number[])] as string;
const other = (label: string): string => (label === 'setosa' ? 'virginica' : 'setosa');
const jsonLines = <T>(stdout: string): T[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as T);
/** A run across midnight UTC splits the predictions over two daily windows: the tests compare sums. */
const sum = (rows: readonly Evaluation[], pick: (e: Evaluation) => number): number => rows.reduce((s, e) => s + pick(e), 0);
const correct = (rows: readonly Evaluation[]): number => Math.round(sum(rows, (e) => (e.classification?.accuracy ?? 0) * (e.classification?.count ?? 0)));

// Runs the built CLI: `npm run build` first.
describe('mlpatterns eval run: the timeline stored in the metadata store, from a served model\'s log and feedback', () => {
  let dir: string;
  let opened: OpenedRegistry;
  let server: RunningServer;
  let configFile: string;
  const requests = new Map<number, string>();
  const cli = (...args: string[]) => runCli(['eval', ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlp-eval-run-'));
    opened = await openRegistry({ stateDir: dir });
    const folder = path.join(dir, 'iris_svc');
    mkdirSync(folder);
    copyFileSync(path.join(FIXTURES, 'iris_svc.onnx'), path.join(folder, 'iris_svc.onnx'));
    copyFileSync(path.join(FIXTURES, 'label.json'), path.join(folder, 'labels.json'));
    await opened.registry.register({ name: 'iris', path: folder, validate: (d) => validatePackage(d) });
    await opened.registry.setAlias('iris', 'production', 1);
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      storage: { stateDir: dir },
      models: [{ name: 'iris', ref: 'iris@production', pollIntervalMs: 60_000 }],
      logging: { predictions: { flushMs: 10 } },
    });
    server = await startServer(config, { logger: false });
    configFile = path.join(dir, 'mlpatterns.yaml');
    writeFileSync(configFile, `storage:\n  stateDir: ${JSON.stringify(dir)}\nmodels: []\n`);

    // Eight single-instance predictions; truth for the first six, one of them (row 20) a different label.
    const rows = [0, 10, 20, 50, 60, 70, 100, 110];
    for (const [n, i] of rows.entries()) {
      const res = await postJson<{ request_id: string; labels: string[] }>(`${server.url}/v1/models/iris/predict`, { instances: [expected.inputs[i]] });
      expect(res.status).toBe(200);
      expect(res.body.labels).toEqual([labelOf(i)]);
      requests.set(i, res.body.request_id);
      if (n < 6) await sendFeedback(res.body.request_id, i === 20 ? other(labelOf(i)) : labelOf(i));
    }
    const deadline = Date.now() + 5000;
    while ((await getJson<{ records: PredictionRecord[] }>(`${server.url}/v1/logs?kind=prediction&limit=1000`)).body.records.length < rows.length) {
      if (Date.now() > deadline) throw new Error('predictions did not reach the log');
      await new Promise((r) => setTimeout(r, 10)); // a poll interval: the log is written off the request path
    }
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function sendFeedback(requestId: string, label: string): Promise<void> {
    const res = await postJson(`${server.url}/v1/feedback`, { request_id: requestId, label });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  it('stores the windows, reads them back with --stored, and a re-run after late feedback revises the window', async () => {
    const run = await cli('run', configFile, '--model', 'iris', '--since', '1h', '--window', '1d', '--json');
    expect(run.code, run.stderr).toBe(0);
    const computed = jsonLines<Evaluation>(run.stdout);
    expect([sum(computed, (e) => e.predictions), sum(computed, (e) => e.joined), sum(computed, (e) => e.unjoined), correct(computed)]).toEqual([8, 6, 2, 5]);
    expect(run.stderr).toMatch(new RegExp(`stored ${computed.length} windows? from \\S+T00:00:00\\.000Z to \\S+ in the metadata store: ${computed.length} new, 0 revised, 0 unchanged`));

    const stored = jsonLines<StoredEvaluation>((await cli('report', configFile, '--stored', '--since', '1h', '--json')).stdout);
    expect(stored.map((e) => ({ model: e.model, version: e.version, window_start: e.window_start, predictions: e.predictions, joined: e.joined }))).toEqual(
      computed.map((e) => ({ model: e.model, version: e.version, window_start: e.window_start, predictions: e.predictions, joined: e.joined })),
    );
    expect(stored.every((e) => e.revisions === 1 && e.window_ms === 86_400_000 && Date.parse(e.computed_at) > 0)).toBe(true);

    // The truth for row 100 arrives late; the same run again revises its window only.
    await sendFeedback(requests.get(100) ?? '', labelOf(100));
    const rerun = await cli('run', configFile, '--model', 'iris', '--since', '1h', '--json');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(new RegExp(`: 0 new, 1 revised, ${computed.length - 1} unchanged`));
    const after = jsonLines<StoredEvaluation>((await cli('report', configFile, '--stored', '--since', '1h', '--json')).stdout);
    expect([sum(after, (e) => e.joined), sum(after, (e) => e.unjoined), correct(after)]).toEqual([7, 1, 6]);
    expect(after.map((e) => e.revisions).sort()).toEqual([...Array.from({ length: computed.length - 1 }, () => 1), 2]);

    const revisions = jsonLines<EvaluationRevision>((await cli('report', configFile, '--revisions', '--since', '1h', '--json')).stdout);
    expect(revisions).toHaveLength(computed.length + 1);
    const revised = after.find((e) => e.revisions === 2);
    expect(revisions.filter((r) => r.window_start === revised?.window_start).map((r) => r.joined)).toEqual([(revised?.joined ?? 0) - 1, revised?.joined]);

    const table = await cli('report', configFile, '--stored', '--since', '1h');
    expect(table.stdout).toMatch(/^MODEL\s+VERSION\s+WINDOW START\s+ROWS\s+JOINED.*COMPUTED AT\s+REVISIONS\n/);
    expect(table.stdout).toMatch(/\niris\s+1\s+\S+T00:00:00\.000Z\s+\d+\s+\d+/);
  }, 60_000);

  it('reports an empty timeline and bad durations clearly', async () => {
    const empty = await cli('report', configFile, '--stored', '--window', '1h');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^no stored windows in the period/);
    const bad = await cli('run', configFile, '--window', 'daily');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--window must be a positive duration like 30m, 1h, 1d, 2w \(got "daily"\)/);
  });
});
