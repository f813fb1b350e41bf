import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/pipelines/runner/events.js';
import { runPipeline } from '../../src/pipelines/runner/run-pipeline.js';
import { FIXTURES, tempDir } from './helpers/workspace.js';

const FLAKY = path.join(FIXTURES, 'flaky/pipeline.yaml');
const GATE = path.join(FIXTURES, 'gate/pipeline.yaml');

describe('retries', () => {
  it('retries a failing step with backoff and succeeds on the second attempt', async () => {
    const events: PipelineEvent[] = [];
    const result = await runPipeline(FLAKY, { storage: { stateDir: await tempDir() }, onEvent: (e) => events.push(e) });
    expect(result.run.status).toBe('succeeded');
    const flaky = result.steps.find((s) => s.step === 'flaky');
    expect(flaky).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(flaky?.logTail.join('\n')).toContain('attempt 1 of 3 failed: attempt 1 fails on purpose');
    const retries = events.filter((e) => e.type === 'step-retry');
    expect(retries).toEqual([{ type: 'step-retry', step: 'flaky', attempt: 1, error: 'attempt 1 fails on purpose', delayMs: 10 }]);
    const starts = events.filter((e) => e.type === 'step-started' && e.step === 'flaky');
    expect(starts.map((e) => e.type === 'step-started' && [e.attempt, e.maxAttempts])).toEqual([
      [1, 3],
      [2, 3],
    ]);
  }, 60_000);

  it('fails the run with the step\'s error once retries are spent, and runs nothing after it', async () => {
    const result = await runPipeline(FLAKY, { params: { succeed_on: '9' }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('failed');
    expect(result.run.error).toBe('step "flaky" failed: attempt 3 fails on purpose');
    expect(result.steps.map((s) => [s.step, s.status, s.attempts])).toEqual([
      ['load', 'succeeded', 1],
      ['flaky', 'failed', 3],
      ['train', 'skipped', 0],
      ['report', 'skipped', 0],
    ]);
  }, 60_000);
});

describe('a gate that rejects (StepRejectedError)', () => {
  it('is not retried, stops the run as rejected with its reasons, and runs nothing after it', async () => {
    const result = await runPipeline(GATE, { storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('rejected');
    const gate = result.steps.find((s) => s.step === 'gate');
    expect(gate).toMatchObject({ status: 'rejected', attempts: 1, error: 'the model did not pass the gate', reasons: ['accuracy 0.5 < 0.9', 'f1 0.45 < 0.9'] });
    expect(result.steps.find((s) => s.step === 'publish')?.status).toBe('skipped');
    expect(result.run.error).toBe('step "gate" rejected: the model did not pass the gate (accuracy 0.5 < 0.9; f1 0.45 < 0.9)');
    expect(result.steps.find((s) => s.step === 'evaluate')?.metrics).toEqual({ accuracy: 0.5, f1: 0.45 });
  }, 60_000);

  it('passes when the metrics clear the threshold', async () => {
    const result = await runPipeline(GATE, { params: { threshold: 0.4 }, storage: { stateDir: await tempDir() } });
    expect(result.run.status).toBe('succeeded');
    expect(result.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  }, 60_000);
});
