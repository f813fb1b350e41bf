import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, IRIS_EXAMPLE, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { postJson } from '../helpers/server.js';

describe('mlpatterns CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('--help lists the commands', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    for (const cmd of ['serve', 'models', 'predict']) expect(res.stdout).toContain(cmd);
  });

  it('serve --model <fixture> answers with the fixture probabilities, then drains on SIGTERM', async () => {
    const { url, child, exited } = await startCliServer([
      '--model', path.join(FIXTURES, 'iris_svc.onnx'), '--name', 'iris', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent',
    ]);
    const res = await postJson<{ predictions: number[][]; keys: string[] }>(`${url}/v1/models/iris/predict`, {
      instances: expected.inputs.slice(0, 5),
      keys: ['a', 'b', 'c', 'd', 'e'],
    });
    expect(res.status).toBe(200);
    expect(maxAbsDiff(res.body.predictions, expected.iris_svc.slice(0, 5))).toBeLessThan(1e-4);
    expect(res.body.keys).toEqual(['a', 'b', 'c', 'd', 'e']);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('serve --workers 2 shares one port, aggregates metrics across workers, and drains on SIGTERM', async () => {
    const { url, child, exited } = await startCliServer([
      '--model', path.join(FIXTURES, 'iris_svc.onnx'), '--name', 'iris', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--workers', '2',
    ]);
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => postJson<{ predictions: number[][] }>(`${url}/v1/models/iris/predict`, { instances: [expected.inputs[i]] })),
      );
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        expect(maxAbsDiff(a.body.predictions, [expected.iris_svc[i] ?? []])).toBeLessThan(1e-4);
      });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      // Counters are summed over both workers, whichever one answered /metrics.
      expect(metrics).toMatch(/mlpatterns_requests_total\{[^}]*status="200"[^}]*\} 20/);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('applies the batching flags to the served model (--max-batch-size 1: one execution per request)', async () => {
    const { url, child, exited } = await startCliServer([
      '--model', IRIS_EXAMPLE, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--max-batch-size', '1', '--max-in-flight', '500',
    ]);
    try {
      await Promise.all(Array.from({ length: 30 }, () => postJson(`${url}/v1/models/iris/predict`, { instances: [expected.inputs[0]] })));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const executions = Number(/mlpatterns_executions_total\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
      const rows = Number(/mlpatterns_inferences_total\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
      expect(rows).toBe(30);
      expect(executions).toBe(30);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('registers versions, moves aliases, lists and shows them', async () => {
    const state = ['--state-dir', path.join(dir, 'state')];
    const r1 = await runCli(['models', 'register', 'iris', path.join(FIXTURES, 'iris_svc.onnx'), '--alias', 'production', '--tag', 'team=ml', ...state]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toContain('registered iris:1');
    const r2 = await runCli(['models', 'register', 'iris', IRIS_EXAMPLE, '--alias', 'candidate', ...state]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toContain('registered iris:2');
    const moved = await runCli(['models', 'alias', 'iris', 'production', '2', ...state]);
    expect(moved.code, moved.stderr).toBe(0);
    const shown = await runCli(['models', 'show', 'iris@production', ...state]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'iris', version: 2 });
    const listed = await runCli(['models', 'list', ...state]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('"iris"');
  });

  it('stores labels with a registered bare .onnx and serves them from the registry', async () => {
    const state = ['--state-dir', path.join(dir, 'state-labels')];
    const reg = await runCli(['models', 'register', 'rf', path.join(FIXTURES, 'iris_rf.onnx'), '--labels', path.join(FIXTURES, 'label.json'), '--alias', 'production', ...state]);
    expect(reg.code, reg.stderr).toBe(0);
    const { url, child, exited } = await startCliServer(['--model', 'rf@production', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', ...state]);
    try {
      const res = await postJson<{ labels: string[]; model: { version: string } }>(`${url}/v1/models/rf/predict`, { instances: [expected.inputs[0], expected.inputs[149]] });
      expect(res.status).toBe(200);
      expect(res.body.labels).toEqual(['setosa', 'virginica']);
      expect(res.body.model.version).toBe('1');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses a corrupt model with a one-line error and registers nothing', async () => {
    const bad = path.join(dir, 'bad.onnx');
    await writeFile(bad, 'this is not an onnx model');
    const state = path.join(dir, 'state-bad');
    const res = await runCli(['models', 'register', 'broken', bad, '--state-dir', state]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('INVALID_MODEL_FILE');
    const artifacts = await readdir(path.join(state, 'artifacts')).catch(() => []);
    expect(artifacts).toEqual([]);
    const show = await runCli(['models', 'show', 'broken', '--state-dir', state]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('MODEL_NOT_FOUND');
  });

  it('refuses a bad model name', async () => {
    const res = await runCli(['models', 'register', '../evil', path.join(FIXTURES, 'iris_svc.onnx'), '--state-dir', path.join(dir, 's3')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('INVALID_MODEL_NAME');
  });

  it('predicts in-process from a package folder', async () => {
    const res = await runCli(['predict', IRIS_EXAMPLE, '--data', '[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]', '--keys', '["x","y"]']);
    expect(res.code, res.stderr).toBe(0);
    const body = JSON.parse(res.stdout) as { labels: string[]; keys: string[] };
    expect(body.labels).toEqual(['setosa', 'virginica']);
    expect(body.keys).toEqual(['x', 'y']);
  });

  it('serves several models from mlpatterns.yaml, and predicts against it over HTTP', async () => {
    const config = path.join(dir, 'mlpatterns.yaml');
    await writeFile(
      config,
      [
        'server:',
        '  host: 127.0.0.1',
        '  port: ${TEST_PORT:-0}',
        '  logLevel: silent',
        'models:',
        `  - name: iris`,
        `    path: ${IRIS_EXAMPLE}`,
        `  - name: iris-rf`,
        `    path: ${path.join(FIXTURES, 'iris_rf.onnx')}`,
        `    labels: ${path.join(FIXTURES, 'label.json')}`,
        '',
      ].join('\n'),
    );
    const { url, child, exited } = await startCliServer([config]);
    try {
      const res = await runCli(['predict', `${url}/v1/models/iris-rf`, '--data', JSON.stringify(expected.inputs.slice(0, 2)), '--keys', '[1,2]']);
      expect(res.code, res.stderr).toBe(0);
      const body = JSON.parse(res.stdout) as { predictions: number[][]; labels: string[]; keys: number[] };
      expect(maxAbsDiff(body.predictions, expected.iris_rf.slice(0, 2))).toBeLessThan(1e-4);
      expect(body.labels).toEqual(['setosa', 'setosa']);
      expect(body.keys).toEqual([1, 2]);
      const bad = await runCli(['predict', `${url}/v1/models/iris`, '--data', '[[1,2]]']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('INVALID_SHAPE');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('reports every problem of a bad config file', async () => {
    const config = path.join(dir, 'bad.yaml');
    await writeFile(config, 'server:\n  port: high\nmodels:\n  - name: x\n');
    const res = await runCli(['serve', config]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('CONFIG_INVALID');
    expect(res.stderr).toContain('server.port');
    expect(res.stderr).toContain('exactly one of "path" or "ref"');
  });

  it('fails clearly when serve has nothing to serve', async () => {
    const empty = await mkdtemp(path.join(dir, 'empty-'));
    const res = await runCli(['serve'], { cwd: empty });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('nothing to serve');
  });
});
