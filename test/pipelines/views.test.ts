import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TrainingRun, TrainingStep } from '../../src/ports/training-run-store.js';
import type { PipelineEvent } from '../../src/pipelines/runner/events.js';
import { lineView } from '../../src/pipelines/view/line-view.js';
import { formatRunDetails, formatRunList } from '../../src/pipelines/view/run-details.js';
import { formatSummary } from '../../src/pipelines/view/summary.js';
import { ttyView } from '../../src/pipelines/view/tty-view.js';
import { pendingStep } from '../helpers/training-step.js';

class Capture extends Writable {
  text = '';
  isTTY = true;
  columns = 60;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const RUN: TrainingRun = {
  id: '20260304-050607-abcdef',
  pipeline: 'demo',
  status: 'running',
  params: { seed: 1 },
  resumedFrom: null,
  pipelineFile: '/p/pipeline.yaml',
  startedAt: '2026-03-04T05:06:07.000Z',
  finishedAt: null,
  error: null,
  owner: 'h:1',
};

function record(step: string, overrides: Partial<TrainingStep>): TrainingStep {
  return pendingStep(RUN.id, step, {
    status: 'succeeded',
    cacheKey: 'f'.repeat(64),
    attempts: 1,
    startedAt: '2026-03-04T05:06:07.000Z',
    finishedAt: '2026-03-04T05:06:08.500Z',
    ...overrides,
  });
}

const EVENTS: PipelineEvent[] = [
  { type: 'run-started', run: RUN, steps: ['load', 'train'] },
  { type: 'step-finished', record: record('load', { status: 'cached', cachedFrom: '20260303-000000-000000', attempts: 0 }) },
  { type: 'step-started', step: 'train', attempt: 1, maxAttempts: 3 },
  { type: 'step-progress', step: 'train', fraction: 0.42, message: 'epoch 42/100' },
  { type: 'step-progress', step: 'train', fraction: 0.45, message: 'epoch 42/100' },
  { type: 'step-log', step: 'train', line: 'loss 0.3' },
  { type: 'step-retry', step: 'train', attempt: 1, error: 'diverged', delayMs: 1000 },
  { type: 'step-finished', record: record('train', { attempts: 2, metrics: { accuracy: 0.96667, loss: 0.0001234 } }) },
];

describe('live views', () => {
  it('redraw the step list in place on a terminal, then erase it for the summary', () => {
    const out = new Capture();
    let clock = 1000;
    const view = ttyView(out as unknown as NodeJS.WriteStream, () => clock);
    view.onEvent(EVENTS[0] as PipelineEvent);
    expect(out.text).toBe('\x1b[J  · load   pending\n  · train  pending\n');
    for (const event of EVENTS.slice(1, 6)) view.onEvent(event);
    clock += 2500;
    view.onEvent(EVENTS[1] as PipelineEvent); // a step-finished event draws at once
    const frame = out.text.slice(out.text.lastIndexOf('\x1b[J'));
    expect(out.text).toContain('\x1b[2F\x1b[J'); // back over the two lines drawn before
    expect(frame).toContain('↺ load   cached    from run 20260303-000000-000000');
    expect(frame).toContain('⠋ train   45%  2.5s  attempt 1/3  epoch 42/100');
    expect(frame).toContain('train | loss 0.3');
    view.close();
    expect(out.text.endsWith('\x1b[3F\x1b[J')).toBe(true);
    view.close();
    expect(out.text.endsWith('\x1b[3F\x1b[J')).toBe(true);
  });

  it('print one line per event elsewhere, progress only when it moves by a tenth or its message changes', () => {
    const out = new Capture();
    const view = lineView(out, () => 0);
    for (const event of EVENTS) view.onEvent(event);
    expect(out.text.split('\n').filter(Boolean).map((line) => line.replace(/^\[\s*\S+\] /, ''))).toEqual([
      'run 20260304-050607-abcdef of demo: 2 steps',
      '↺ load: cached from run 20260303-000000-000000',
      'train: started (attempt 1/3)',
      'train: 42% epoch 42/100',
      'train | loss 0.3',
      'train: attempt 1 failed, retrying in 1.0s: diverged',
      '✓ train: succeeded 1.5s  accuracy=0.96667 loss=1.234e-4',
    ]);
  });
});

describe('summaries', () => {
  const failed: TrainingRun = { ...RUN, status: 'failed', finishedAt: '2026-03-04T05:06:10.000Z', error: 'step "train" failed: boom' };
  const steps = [
    record('load', { status: 'cached', cachedFrom: 'r0', attempts: 0 }),
    record('train', { status: 'failed', attempts: 3, error: 'boom\n  at line 2' }),
    record('gate', { status: 'skipped', attempts: 0, startedAt: null, finishedAt: null }),
  ];

  it('list every step, the error, and how to resume', () => {
    expect(formatSummary(failed, steps, { pipelineArg: 'pipeline.yaml' })).toBe(
      [
        'pipeline demo · run 20260304-050607-abcdef · failed in 3.0s',
        '  ↺ load   cached     from run r0',
        '  ✗ train  failed     1.5s  3 attempts',
        '      boom',
        '        at line 2',
        '  - gate   skipped',
        '1 of 3 steps reused from cache',
        'resume with: mlpatterns train pipeline.yaml --resume 20260304-050607-abcdef',
        '',
      ].join('\n'),
    );
  });

  it('show a rejected step\'s reasons, and no resume hint', () => {
    const rejected = { ...failed, status: 'rejected' as const };
    const text = formatSummary(rejected, [record('gate', { status: 'rejected', error: 'gate failed', reasons: ['accuracy 0.5 < 0.9'] })]);
    expect(text).toContain('⊘ gate  rejected   1.5s\n      gate failed\n      - accuracy 0.5 < 0.9\n');
    expect(text).not.toContain('resume');
  });

  it('format run lists and run details', () => {
    expect(formatRunList([failed])).toBe('20260304-050607-abcdef  demo  failed     2026-03-04T05:06:07.000Z  3.0s  step "train" failed: boom\n');
    expect(formatRunList([])).toBe('no training runs\n');
    const details = formatRunDetails(failed, [record('train', { logTail: ['a', 'b'], metrics: { m: 1 }, outputs: { model: { key: 'steps/ab', digest: 'sha256:ab', sizeBytes: 9 } } })]);
    expect(details).toContain('  params: seed=1\n');
    expect(details).toContain('      output model: steps/ab (9 bytes)\n      metrics: m=1\n      log:\n        | a\n        | b\n');
  });
});
