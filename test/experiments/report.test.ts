import { describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { findExperiments } from '../../src/experiments/find-experiments.js';
import { runExperimentsReport } from '../../src/experiments/run-report.js';
import { shadowReport } from '../../src/experiments/shadow-report.js';
import { splitReport } from '../../src/experiments/split-report.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import type { ServiceNode, ShadowNode, SplitNode } from '../../src/services/schema.js';

let seq = 0;
function call(request: string, node: string, fields: Partial<PredictionRecord> = {}): PredictionRecord {
  seq++;
  return { id: `r${seq}`, kind: 'prediction', timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), request_id: request, service: 's', node, model: node.split('/').at(-1) ?? node, version: '1', latency_ms: seq, status: 'ok', ...fields };
}
function feedback(request: string, fields: PredictionRecord['feedback']): PredictionRecord {
  return { ...call(request, 'x'), kind: 'feedback', feedback: fields };
}
const model = (name: string): ServiceNode => ({ type: 'model', model: name });

describe('findExperiments', () => {
  it('finds shadow and split nodes with the node-path prefix their calls are logged under', () => {
    const inner: SplitNode = { type: 'split', variants: { a: { weight: 1, node: model('m1') }, b: { weight: 1, node: model('m2') } } };
    const graph: ServiceNode = { type: 'parallel', branches: { left: { type: 'shadow', primary: inner, candidates: { c: model('m3') } }, right: model('m4') } };
    expect(findExperiments(graph).map((e) => [e.kind, e.prefix])).toEqual([
      ['shadow', 'left/'],
      ['split', 'left/'],
    ]);
    expect(findExperiments(model('m'))).toEqual([]);
  });
});

describe('shadowReport', () => {
  const node: ShadowNode = { type: 'shadow', primary: model('p'), candidates: { c: model('q') } };

  it('compares by labels, else argmax, else deep equality; counts candidate errors; mean absolute difference over numbers', () => {
    const records = [
      call('1', 'p', { outputs: [[0.9, 0.1]], labels: ['x'] }),
      call('1', 'shadow/c/q', { outputs: [[0.7, 0.3]], labels: ['x'] }),
      call('2', 'p', { outputs: [[0.2, 0.8]] }),
      call('2', 'shadow/c/q', { outputs: [[0.6, 0.4]] }),
      call('3', 'p', { outputs: ['yes'] }),
      call('3', 'shadow/c/q', { outputs: ['yes'] }),
      call('4', 'p', { outputs: [[1, 0]] }),
      call('4', 'shadow/c/q', { status: 'INTERNAL' }),
      call('5', 'p', { outputs: [[1, 0]] }), // not mirrored
    ];
    const report = shadowReport(node, '', records);
    expect(report.requests).toBe(5);
    expect(report.candidates[0]).toMatchObject({ mirrored: 4, errors: 1, compared: 3, agreed: 2 });
    expect(report.candidates[0]?.agreement_rate).toBeCloseTo(2 / 3, 12);
    // |0.9−0.7| + |0.1−0.3| + |0.2−0.6| + |0.8−0.4| over 4 numbers.
    expect(report.candidates[0]?.mean_abs_diff).toBeCloseTo(1.2 / 4, 12);
    // Candidate latency: calls 2, 4, 6, 8 → p50 4 (nearest rank), p95 8; primary on the same requests: 1, 3, 5, 7.
    expect(report.candidates[0]?.latency_ms.p50).toBe(seq - 5);
    expect(report.candidates[0]?.primary_latency_ms.p50).toBe(seq - 6);
  });
});

describe('splitReport', () => {
  const node: SplitNode = { type: 'split', variants: { a: { weight: 1, node: model('m1') }, b: { weight: 3, node: model('m2') } } };

  it('success from labels, else reward ≥ 0.5; Welch verdict on rewards; variants sum to requests', () => {
    const records: PredictionRecord[] = [];
    const fb: PredictionRecord[] = [];
    for (let i = 0; i < 10; i++) {
      records.push(call(`a${i}`, 'a/m1', { labels: ['x'], outputs: [[1]] }));
      fb.push(feedback(`a${i}`, { label: i < 6 ? 'x' : 'y', reward: i < 6 ? 1 : 0 }));
      records.push(call(`b${i}`, 'b/m2', { outputs: [[1]] }));
      fb.push(feedback(`b${i}`, { reward: i < 9 ? 0.9 : 0.1 }));
    }
    records.push(call('b-nofb', 'b/m2', { outputs: [[1]] }));
    const report = splitReport(node, '', records, fb, { rateEffect: 0.1 });
    expect(report.requests).toBe(21);
    expect(report.variants.map((v) => [v.name, v.requests, v.feedback, v.success.successes, v.success.trials])).toEqual([
      ['a', 10, 10, 6, 10],
      ['b', 11, 10, 9, 10],
    ]);
    expect(report.variants[1]?.reward.mean).toBeCloseTo(0.82, 12);
    expect(report.comparisons.map((c) => [c.metric, c.test])).toEqual([
      ['success_rate', 'two-proportion z-test'],
      ['reward', "Welch's t-test"],
    ]);
    expect(report.comparisons[0]?.verdict.difference).toBeCloseTo(0.3, 12);
    expect(report.comparisons[0]?.verdict.warning).toMatch(/peeking/);
  });

  it('no feedback: counts requests, compares nothing', () => {
    const report = splitReport(node, '', [call('1', 'a/m1'), call('2', 'b/m2'), call('3', 'b/m2')], []);
    expect(report.variants.map((v) => v.requests)).toEqual([1, 2]);
    expect(report.comparisons).toEqual([]);
  });
});

describe('runExperimentsReport', () => {
  it('reads the service records from the log, and refuses a service with no experiment node', async () => {
    const sink = new SqliteEventLog({ path: ':memory:' });
    try {
      await sink.append([call('1', 'a/m1'), { ...call('2', 'a/m1'), service: 'other' }]);
      const service = { name: 's', graph: { type: 'split', variants: { a: { weight: 1, node: model('m1') } } } as SplitNode };
      const report = await runExperimentsReport(sink, service, { since: new Date(0) });
      expect(report.experiments[0]).toMatchObject({ type: 'split', requests: 1 });
      await expect(runExperimentsReport(sink, { name: 's', graph: model('m1') }, { since: new Date(0) })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    } finally {
      await sink.close();
    }
  });
});
