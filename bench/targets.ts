import { measured, type Outcomes } from './measurements.js';
import { overloadTargets } from './overload-targets.js';
import { QUEUE_READS, queueTargets } from './queue-targets.js';
import { PREDLOG_READS, predictionLogTargets } from './prediction-log-targets.js';
import { GRAPH_READS, serviceGraphTargets } from './service-graph-targets.js';
import { NA, ms, ratio, type TargetResult } from './target-result.js';

export type { TargetResult } from './target-result.js';

/** Other processes' CPU from which a verdict is flagged as unreliable. */
export const DISTURBED_CORES = 0.25;

/** The steps each target reads. */
const READS: Readonly<Record<string, readonly string[]>> = {
  'tiny-vs-trivial': ['trivial', 'tiny-json'],
  'tiny-added-latency': ['tiny-json-c1', 'raw-tiny'],
  'wide-batching-speedup': ['wide-off-c64', 'wide-on-c64'],
  'wide-vs-raw': ['wide-on-c64', 'raw-wide'],
  'wide-p99': ['wide-on-c64'],
};
const OVERLOAD_READS = ['overload-capacity', 'overload'];

/** Flags a verdict taken while other processes competed for the cores. */
function withDisturbance(result: TargetResult, outcomes: Outcomes): TargetResult {
  const steps = READS[result.id] ?? GRAPH_READS[result.id] ?? QUEUE_READS[result.id] ?? PREDLOG_READS[result.id] ?? (result.id.startsWith('overload') ? OVERLOAD_READS : []);
  let worst = 0;
  for (const id of steps) {
    const outcome = outcomes.get(id);
    if (outcome?.status === 'ok' && outcome.foreignCpuCores !== null) worst = Math.max(worst, outcome.foreignCpuCores);
  }
  return worst >= DISTURBED_CORES ? { ...result, disturbedBy: worst } : result;
}

/** Issue 3's targets, issue 4's service-graph ones and issue 5's queue and batch ones, each a ratio or value taken from this one run. */
export function evaluateTargets(outcomes: Outcomes): TargetResult[] {
  const results: TargetResult[] = [];
  const trivial = measured(outcomes, 'trivial', 'closed');
  const tiny = measured(outcomes, 'tiny-json', 'closed');
  const tinyC1 = measured(outcomes, 'tiny-json-c1', 'closed');
  const rawTiny = measured(outcomes, 'raw-tiny', 'raw-latency');
  const wideOff = measured(outcomes, 'wide-off-c64', 'closed');
  const wideOn = measured(outcomes, 'wide-on-c64', 'closed');
  const rawWide = measured(outcomes, 'raw-wide', 'raw-throughput');
  const overload = measured(outcomes, 'overload', 'overload');

  {
    const id = 'tiny-vs-trivial';
    const target = 'tiny model friendly JSON req/s (c=32) ≥ 0.7 × trivial route req/s';
    if (trivial === undefined || tiny === undefined) results.push(NA(id, target, 'needs steps trivial and tiny-json'));
    else {
      const value = tiny.result.reqPerS / trivial.result.reqPerS;
      results.push({ id, target, measured: ratio(value), value, pass: value >= 0.7 });
    }
  }
  {
    const id = 'tiny-added-latency';
    const target = 'tiny model c=1: p50 over raw onnxruntime batch-1 median ≤ 150 µs';
    if (tinyC1 === undefined || rawTiny === undefined) results.push(NA(id, target, 'needs steps tiny-json-c1 and raw-tiny'));
    else {
      const value = tinyC1.result.ok.p50Us - rawTiny.result.medianUs;
      const note = `${tinyC1.result.ok.p50Us} µs over HTTP − ${Math.round(rawTiny.result.medianUs)} µs raw`;
      results.push({ id, target, measured: `${Math.round(value)} µs`, value, pass: value <= 150, note });
    }
  }
  {
    const id = 'wide-batching-speedup';
    const target = 'wide MLP c=64: batching on ≥ 5 × batching off (req/s)';
    if (wideOff === undefined || wideOn === undefined) results.push(NA(id, target, 'needs steps wide-off-c64 and wide-on-c64'));
    else {
      const value = wideOn.result.reqPerS / wideOff.result.reqPerS;
      const batch = wideOn.meanBatchRows;
      const offBatch = wideOff.meanBatchRows;
      // Tells "batching does not pay here" apart from "batching did not happen" (or happened with it off).
      const onNote =
        batch === null
          ? 'the server reported no batch executions (mlpatterns_batch_size) with batching on'
          : batch < 1.05
            ? `batching on merged nothing (${batch.toFixed(2)} rows per execution): were the batching flags applied?`
            : `${batch.toFixed(1)} rows per execution with batching on`;
      const offNote =
        offBatch !== null && offBatch >= 1.05
          ? `; but batching off merged too (${offBatch.toFixed(1)} rows per execution): was --max-batch-size 1 applied?`
          : '';
      const note = onNote + offNote;
      results.push({ id, target, measured: ratio(value), value, pass: value >= 5, note });
    }
  }
  {
    const id = 'wide-vs-raw';
    const target = 'wide MLP c=64 batching on: rows/s ≥ 0.75 × raw onnxruntime at its best batch size';
    if (wideOn === undefined || rawWide === undefined) results.push(NA(id, target, 'needs steps wide-on-c64 and raw-wide'));
    else {
      const served = wideOn.result.reqPerS * wideOn.rowsPerRequest;
      const value = served / rawWide.result.best.rowsPerS;
      const note = `${Math.round(served)} vs ${Math.round(rawWide.result.best.rowsPerS)} rows/s (raw best at batch ${rawWide.result.best.batchSize})`;
      results.push({ id, target, measured: ratio(value), value, pass: value >= 0.75, note });
    }
  }
  {
    const id = 'wide-p99';
    const target = 'wide MLP c=64 batching on: p99 ≤ 25 ms';
    if (wideOn === undefined) results.push(NA(id, target, 'needs step wide-on-c64'));
    else {
      const value = wideOn.result.ok.p99Us;
      results.push({ id, target, measured: ms(value), value: value / 1000, pass: value <= 25_000 });
    }
  }
  results.push(...overloadTargets(overload));
  results.push(...serviceGraphTargets(outcomes));
  results.push(...queueTargets(outcomes));
  results.push(...predictionLogTargets(outcomes));
  return results.map((r) => withDisturbance(r, outcomes));
}
