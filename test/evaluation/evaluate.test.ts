import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/evaluation/duration.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { formatEvaluations } from '../../src/evaluation/format-report.js';
import { joinFeedback } from '../../src/evaluation/join.js';
import type { FeedbackFields, PredictionRecord } from '../../src/ports/event-log.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-05T10:00:00.000Z');
let seq = 0;

function prediction(at: number, fields: Partial<PredictionRecord>): PredictionRecord {
  return { id: `p${++seq}`, kind: 'prediction', timestamp: new Date(at).toISOString(), request_id: `r${seq}`, model: 'm', version: '1', latency_ms: 1, status: 'ok', ...fields };
}
function feedback(requestId: string, fields: FeedbackFields): PredictionRecord {
  return { id: `f${++seq}`, kind: 'feedback', timestamp: new Date(T0 + 10 * HOUR).toISOString(), request_id: requestId, model: 'm', version: '1', latency_ms: 0, status: 'ok', feedback: fields };
}

describe('continued evaluation: join and scores', () => {
  it('regression: MAE, RMSE and MAPE by hand, the prediction being the output scalar or its first element', () => {
    const a = prediction(T0, { request_id: 'a', outputs: [[2.5, 9]] }); // first element 2.5
    const b = prediction(T0 + 1000, { request_id: 'b', outputs: [4] });
    const c = prediction(T0 + 2000, { request_id: 'c', outputs: [1] });
    const [e] = evaluate(joinFeedback([a, b, c], [feedback('a', { value: 2 }), feedback('b', { value: 5 }), feedback('c', { value: 0 })]), HOUR);
    // errors 0.5, 1, 1 → MAE 2.5/3, RMSE √(2.25/3); MAPE over non-zero actuals: (0.25 + 0.2)/2.
    expect(e?.regression?.count).toBe(3);
    expect(e?.regression?.mae).toBeCloseTo(2.5 / 3, 12);
    expect(e?.regression?.rmse).toBeCloseTo(Math.sqrt(2.25 / 3), 12);
    expect(e?.regression?.mape).toBeCloseTo(0.225, 12);
    expect(e?.classification).toBeUndefined();
  });

  it('classification per version and window, keys joining their instance, request-id feedback on a many-instance request left unjoined', () => {
    const rows = [
      prediction(T0, { request_id: 'x', labels: ['cat'] }),
      prediction(T0 + 5 * 60_000, { request_id: 'y', labels: ['dog'] }),
      prediction(T0 + HOUR + 1, { request_id: 'z', labels: ['cat', 'dog', 'cat'], keys: ['k1', 'k2', 'k3'] }),
      prediction(T0 + HOUR + 2, { request_id: 'many', labels: ['cat', 'cat'] }),
      prediction(T0 + HOUR + 3, { request_id: 'bad', status: 'INVALID_INPUT' }),
      // A shadow candidate of request x: evaluated too, under its own version.
      prediction(T0 + 10, { request_id: 'x', version: '2', node: 'shadow/cand/m', labels: ['dog'] }),
    ];
    const fb = [
      feedback('x', { label: 'cat' }),
      feedback('y', { label: 'cat' }),
      feedback('z', { key: 'k1', label: 'cat' }),
      feedback('z', { key: 'k3', label: 'dog' }),
      feedback('many', { label: 'cat' }),
    ];
    const evaluations = evaluate(joinFeedback(rows, fb), HOUR);
    expect(evaluations.map((e) => [e.version, e.window_start, e.predictions, e.joined, e.unjoined, e.classification?.accuracy])).toEqual([
      ['1', '2026-01-05T10:00:00.000Z', 2, 2, 0, 0.5],
      ['1', '2026-01-05T11:00:00.000Z', 5, 2, 3, 0.5],
      ['2', '2026-01-05T10:00:00.000Z', 1, 1, 0, 0],
    ]);
    // Window 10:00 of version 1: truth [cat, cat], predicted [cat, dog] → cat P=1 R=.5, dog P=0 R=0 → macro P .5, R .25, F1 (2/3 + 0)/2.
    expect(evaluations[0]?.classification).toMatchObject({ count: 2, precision: 0.5, recall: 0.25 });
    expect(evaluations[0]?.classification?.f1).toBeCloseTo(1 / 3, 12);
    const table = formatEvaluations(evaluations);
    expect(table.split('\n')[0]).toMatch(/^MODEL\s+VERSION\s+WINDOW START\s+ROWS\s+JOINED\s+UNJOINED\s+ACCURACY/);
    expect(table).toContain('0.5000');
  });

  it('rewards are averaged; labels compare as text', () => {
    const p = prediction(T0, { request_id: 'n', labels: [1] });
    const [e] = evaluate(joinFeedback([p], [feedback('n', { label: '1', reward: 0.25 })]), HOUR);
    expect(e?.classification?.accuracy).toBe(1);
    expect(e?.reward).toEqual({ count: 1, mean: 0.25 });
  });

  it('durations', () => {
    expect(parseDuration('--window', '1h')).toBe(HOUR);
    expect(parseDuration('--since', '7d')).toBe(7 * 24 * HOUR);
    expect(() => parseDuration('--window', '0h')).toThrow(/--window must be a positive duration/);
    expect(() => parseDuration('--window', 'daily')).toThrow(/like 30m, 1h/);
  });
});
