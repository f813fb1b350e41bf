import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { experimentsCommand } from '../../src/cli/commands/experiments.js';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import type { ExperimentsReport } from '../../src/experiments/run-report.js';
import type { ShadowReport } from '../../src/experiments/shadow-report.js';
import type { SplitReport } from '../../src/experiments/split-report.js';
import { CONFIG, runQaFlow, type Answer, type QaRun } from '../../examples/qa/flow.js';
import { runCli } from '../helpers/cli.js';
import { argmax, expected, fixtureLabels } from '../helpers/fixtures.js';

/** The forest's label of row i, from the fixture's independently computed probabilities. */
const forestLabel = (i: number): string => fixtureLabels[argmax(expected.iris_rf[i] as number[])] as string;

/** Accuracy over all windows of one model (the run may straddle midnight UTC: windows are UTC days). */
function accuracyOf(evaluations: readonly Evaluation[], model: string): { count: number; accuracy: number } {
  const rows = evaluations.filter((e) => e.model === model && e.classification);
  const count = rows.reduce((s, e) => s + (e.classification?.count ?? 0), 0);
  const correct = rows.reduce((s, e) => s + (e.classification?.accuracy ?? 0) * (e.classification?.count ?? 0), 0);
  return { count, accuracy: correct / count };
}

function correctCount(answers: readonly (readonly [Answer, number])[], truth: readonly string[]): number {
  return answers.filter(([a, i]) => a.labels[0] === truth[i]).length;
}

describe('example: qa (shadow candidate and A/B split on iris, feedback, experiments and eval reports)', () => {
  let dir: string;
  let run: QaRun;
  let shadow: ShadowReport;
  let split: SplitReport;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlp-qa-test-'));
    run = await runQaFlow(dir);
    shadow = run.shadow.experiments[0] as ShadowReport;
    split = run.ab.experiments[0] as SplitReport;
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shadow: every request mirrored; agreement is the share of rows where the forest labels as the primary answered', () => {
    expect(run.shadow.experiments).toHaveLength(1);
    expect(shadow).toMatchObject({ type: 'shadow', node: '', requests: 150, primary_errors: 0 });
    const [forest] = shadow.candidates;
    expect(forest).toMatchObject({ name: 'forest', mirrored: 150, errors: 0, compared: 150 });
    const agreed = run.shadowAnswers.filter((a, i) => a.labels[0] === forestLabel(i)).length;
    expect(forest?.agreed).toBe(agreed);
    expect(forest?.agreement_rate).toBeCloseTo(agreed / 150, 12);
    expect(forest?.agreement_rate).toBeGreaterThan(0);
    expect(forest?.agreement_rate).toBeLessThan(1); // the two models do differ on a few rows
  });

  it('shadow: mean absolute difference matches the answers against the forest fixture; latencies are ordered', () => {
    let sum = 0;
    let count = 0;
    run.shadowAnswers.forEach((a, i) => (a.predictions[0] as number[]).forEach((p, j) => ((sum += Math.abs(p - (expected.iris_rf[i]?.[j] ?? NaN))), count++)));
    expect(shadow.candidates[0]?.mean_abs_diff).toBeCloseTo(sum / count, 4);
    for (const l of [shadow.primary_latency_ms, shadow.candidates[0]?.latency_ms, shadow.candidates[0]?.primary_latency_ms]) {
      expect(l?.p50).toBeGreaterThan(0);
      expect(l?.p95).toBeGreaterThanOrEqual(l?.p50 ?? Infinity);
    }
  });

  it('split: per-variant requests are the answers naming each variant and sum to the requests; success counts the correct answers', () => {
    expect(split).toMatchObject({ type: 'split', requests: 150, control: 'control' });
    expect(split.variants.map((v) => v.name)).toEqual(['control', 'svc']);
    expect(split.variants.reduce((s, v) => s + v.requests, 0)).toBe(split.requests);
    for (const v of split.variants) {
      const served = run.abAnswers.map((a, i) => [a, i] as const).filter(([a]) => a.variant === v.name);
      expect(served.length).toBeGreaterThan(0); // 150 users over 50/50 weights: both variants serve
      expect(v).toMatchObject({ requests: served.length, errors: 0, feedback: served.length });
      expect(v.success).toEqual({ trials: served.length, successes: correctCount(served, run.truth), rate: correctCount(served, run.truth) / served.length });
    }
  });

  it('split: the verdict is a two-proportion z-test with a planned sample size, and warns against peeking below it', () => {
    expect(split.comparisons).toHaveLength(1);
    const [c] = split.comparisons;
    expect(c).toMatchObject({ variant: 'svc', metric: 'success_rate', test: 'two-proportion z-test' });
    const [control, svc] = split.variants;
    expect(c?.verdict.difference).toBeCloseTo((svc?.success.rate ?? NaN) - (control?.success.rate ?? NaN), 12);
    expect(c?.verdict.pValue).toBeGreaterThanOrEqual(0);
    expect(c?.verdict.pValue).toBeLessThanOrEqual(1);
    const smaller = Math.min(control?.success.trials ?? 0, svc?.success.trials ?? 0);
    expect(c?.verdict.samplesNeeded).toBeGreaterThan(0);
    if (smaller < (c?.verdict.samplesNeeded ?? 0)) expect(c?.verdict.warning).toMatch(/peeking/);
    else expect(c?.verdict.warning).toBeUndefined();
  });

  it('eval report: accuracy per model equals the accuracy of the answers each model gave against the true species', () => {
    const indexed = (answers: readonly Answer[]) => answers.map((a, i) => [a, i] as const);
    const byIris = [...indexed(run.shadowAnswers), ...indexed(run.abAnswers).filter(([a]) => a.variant === 'control')];
    const bySvc = indexed(run.abAnswers).filter(([a]) => a.variant === 'svc');
    const iris = accuracyOf(run.evaluations, 'iris');
    expect(iris.count).toBe(byIris.length);
    expect(iris.accuracy).toBeCloseTo(correctCount(byIris, run.truth) / byIris.length, 12);
    const svc = accuracyOf(run.evaluations, 'iris-svc');
    expect(svc.count).toBe(bySvc.length);
    expect(svc.accuracy).toBeCloseTo(correctCount(bySvc, run.truth) / bySvc.length, 12);
    // The shadow candidate's calls are joined to the same feedback.
    const forest = accuracyOf(run.evaluations, 'iris-forest');
    expect(forest.count).toBe(150);
    expect(forest.accuracy).toBeCloseTo(run.truth.filter((t, i) => t === forestLabel(i)).length / 150, 12);
  });

  describe('mlpatterns experiments report (the CLI command)', () => {
    const cli = async (...args: string[]): Promise<string> => {
      const program = new Command().exitOverride();
      experimentsCommand(program);
      let out = '';
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
      const env = process.env.MLP_STATE_DIR;
      process.env.MLP_STATE_DIR = dir;
      try {
        await program.parseAsync(['node', 'mlpatterns', 'experiments', 'report', ...args]);
      } finally {
        write.mockRestore();
        if (env === undefined) delete process.env.MLP_STATE_DIR;
        else process.env.MLP_STATE_DIR = env;
      }
      return out;
    };

    it('--json prints the same numbers as the library report', async () => {
      const report = JSON.parse(await cli('iris-ab', CONFIG, '--json')) as ExperimentsReport;
      expect(report.experiments).toEqual(run.ab.experiments);
      const text = await cli('iris-shadow', CONFIG, '--since', '1h');
      expect(text).toMatch(/shadow at \(root\): 150 requests/);
      expect(text).toContain(`forest     150       0       150       ${shadow.candidates[0]?.agreement_rate?.toFixed(4)}`);
    });

    it('the built CLI (npm run build) prints the same report, and exits 2 on an unknown service', async () => {
      const res = await runCli(['experiments', 'report', 'iris-shadow', CONFIG, '--json'], { env: { MLP_STATE_DIR: dir } });
      expect(res.stderr).toBe('');
      expect((JSON.parse(res.stdout) as ExperimentsReport).experiments).toEqual(run.shadow.experiments);
      const unknown = await runCli(['experiments', 'report', 'nope', CONFIG], { env: { MLP_STATE_DIR: dir } });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/SERVICE_NOT_FOUND/);
    });

    it('refuses an unknown service (SERVICE_NOT_FOUND) and bad flags', async () => {
      await expect(cli('nope', CONFIG)).rejects.toMatchObject({ code: 'SERVICE_NOT_FOUND' });
      await expect(cli('iris-ab', CONFIG, '--since', 'yesterday')).rejects.toThrow(/--since must be a positive duration/);
      await expect(cli('iris-ab', CONFIG, '--mde', '2')).rejects.toThrow(/--mde must be a number between 0 and 1/);
    });
  });
});
