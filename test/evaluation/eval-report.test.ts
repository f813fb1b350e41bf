import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { openRegistry, type OpenedRegistry } from '../../src/app/open-registry.js';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { validatePackage } from '../../src/app/validate-package.js';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import { runEvaluation } from '../../src/evaluation/run-evaluation.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import { FIXTURES, argmax, expected, fixtureLabels } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';

/** The label a model gives row i, from the fixture's expected probabilities. */
const labelOf = (probabilities: number[][], i: number): string => fixtureLabels[argmax(probabilities[i] as number[])] as string;
const other = (label: string): string => (label === 'setosa' ? 'virginica' : 'setosa');
/** One window spanning all time: the test must not depend on the hour it runs in (windows are unit-tested). */
const ALL_TIME = 100 * 365 * 86_400_000; // 1970 to 2069

describe('continued evaluation of two served versions (iris svc v1, then iris rf v2)', () => {
  let dir: string;
  let opened: OpenedRegistry;
  let server: RunningServer;
  let configFile: string;
  const started = new Date(Date.now() - 1000);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlp-eval-'));
    opened = await openRegistry({ stateDir: dir });
    // Each version a folder of the .onnx and its labels (as `models register --labels` makes), so predictions carry labels.
    for (const file of ['iris_svc.onnx', 'iris_rf.onnx']) {
      const folder = path.join(dir, file.replace('.onnx', ''));
      mkdirSync(folder);
      copyFileSync(path.join(FIXTURES, file), path.join(folder, file));
      copyFileSync(path.join(FIXTURES, 'label.json'), path.join(folder, 'labels.json'));
      await opened.registry.register({ name: 'iris', path: folder, validate: (d) => validatePackage(d) });
    }
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
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const predict = async (rows: number[], keys?: string[]): Promise<{ request_id: string; labels: string[]; model: { version: string } }> => {
    const res = await postJson<{ request_id: string; labels: string[]; model: { version: string } }>(`${server.url}/v1/models/iris/predict`, {
      instances: rows.map((i) => expected.inputs[i]),
      ...(keys ? { keys } : {}),
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const send = async (body: Record<string, unknown>): Promise<void> => {
    const res = await postJson(`${server.url}/v1/feedback`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };

  it('scores each version from its joined feedback, with joined/unjoined counts, in the API and in `eval report`', async () => {
    // Version 1: ten single-instance requests with feedback (two wrong on purpose), two without.
    const v1Rows = [0, 10, 20, 50, 60, 70, 100, 110, 120, 130];
    const wrongV1 = new Set([20, 110]);
    for (const i of v1Rows) {
      const answer = await predict([i]);
      expect(answer.model.version).toBe('1');
      expect(answer.labels).toEqual([labelOf(expected.iris_svc, i)]);
      const truth = wrongV1.has(i) ? other(answer.labels[0] as string) : (answer.labels[0] as string);
      await send({ request_id: answer.request_id, label: truth });
    }
    await predict([1]);
    await predict([2]);

    await opened.registry.setAlias('iris', 'production', 2);
    await server.watchers[0]?.check();
    expect(server.repository.get('iris').current.version).toBe('2');

    // Version 2: one five-instance request with keys; feedback by key for four (one wrong).
    const v2Rows = [5, 55, 105, 140, 75];
    const keys = v2Rows.map((i) => `row-${i}`);
    const answer = await predict(v2Rows, keys);
    expect(answer.model.version).toBe('2');
    expect(answer.labels).toEqual(v2Rows.map((i) => labelOf(expected.iris_rf, i)));
    for (const [j, i] of v2Rows.entries()) {
      if (i === 75) continue; // no feedback: unjoined
      const label = answer.labels[j] as string;
      await send({ key: keys[j], label: i === 140 ? other(label) : label });
    }

    // Every prediction is in the log (written off the request path): 13 model calls.
    const deadline = Date.now() + 5000;
    while ((await getJson<{ records: PredictionRecord[] }>(`${server.url}/v1/logs?kind=prediction&limit=1000`)).body.records.length < 13) {
      if (Date.now() > deadline) throw new Error('predictions did not reach the log');
      await new Promise((r) => setTimeout(r, 10));
    }

    const sink = new SqliteEventLog({ path: path.join(dir, 'predictions.sqlite') });
    let evaluations: Evaluation[];
    try {
      evaluations = await runEvaluation(sink, { model: 'iris', since: started, windowMs: ALL_TIME });
    } finally {
      await sink.close();
    }
    expect(evaluations.map((e) => ({ version: e.version, predictions: e.predictions, joined: e.joined, unjoined: e.unjoined, accuracy: e.classification?.accuracy }))).toEqual([
      { version: '1', predictions: 12, joined: 10, unjoined: 2, accuracy: 8 / 10 },
      { version: '2', predictions: 5, joined: 4, unjoined: 1, accuracy: 3 / 4 },
    ]);

    // The CLI reads the same log through the config; --json prints one evaluation per line.
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const program = new Command().exitOverride();
      evalCommand(program);
      await program.parseAsync(['eval', 'report', configFile, '--model', 'iris', '--since', '1h', '--window', '1d', '--json'], { from: 'user' });
      await program.parseAsync(['eval', 'report', configFile, '--since', '1h', '--window', '1d'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Evaluation);
    // A run across midnight UTC splits a version over two windows: compare the sums.
    const sum = (version: string, pick: (e: Evaluation) => number): number => json.filter((e) => e.version === version).reduce((s, e) => s + pick(e), 0);
    expect([sum('1', (e) => e.joined), sum('1', (e) => e.unjoined), sum('2', (e) => e.joined), sum('2', (e) => e.unjoined)]).toEqual([10, 2, 4, 1]);
    const table = lines.filter((l) => !l.startsWith('{')).join('');
    expect(table).toMatch(/^MODEL\s+VERSION/);
    expect(table).toMatch(/iris\s+1\s+\S+\s+12\s+10\s+2\s+0\.8000/);
  });
});
