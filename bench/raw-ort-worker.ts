/**
 * Raw onnxruntime, no HTTP: the floor the server is measured against. Runs in
 * its own process (forked by bench/run.ts) with the session options the server
 * uses by default, so the difference is what serving adds.
 */
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { median } from './histogram.js';
import { mulberry32 } from './prng.js';
import type {
  RawBatchPoint,
  RawJob,
  RawLatencyJob,
  RawLatencyResult,
  RawModel,
  RawResult,
  RawRowsJob,
  RawRowsResult,
  RawThroughputJob,
  RawThroughputResult,
} from './raw-ort-protocol.js';
import { serveJobs } from './worker-rpc.js';

/** As src/runtime/onnx/session-options.ts: errors-only logging, every other option onnxruntime's default. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3 };

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionFor(model: RawModel): Promise<ort.InferenceSession> {
  let session = sessions.get(model.file);
  if (session === undefined) {
    session = ort.InferenceSession.create(readFileSync(model.file), SESSION_OPTIONS);
    sessions.set(model.file, session);
  }
  return session;
}

function feedsFor(model: RawModel, rows: number): Record<string, ort.Tensor> {
  const random = mulberry32(rows);
  const data = Float32Array.from({ length: rows * model.width }, () => random() * 2 - 1);
  return { [model.input]: new ort.Tensor('float32', data, [rows, model.width]) };
}

async function latency(job: RawLatencyJob): Promise<RawLatencyResult> {
  const session = await sessionFor(job.model);
  const feeds = feedsFor(job.model, 1);
  for (let i = 0; i < job.warmupRuns; i++) await session.run(feeds);
  const samples: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    samples.push((performance.now() - t0) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    kind: 'latency',
    runs: samples.length,
    medianUs: median(samples),
    p99Us: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] ?? 0,
  };
}

async function throughput(job: RawThroughputJob): Promise<RawThroughputResult> {
  const session = await sessionFor(job.model);
  const points: RawBatchPoint[] = [];
  for (const batchSize of job.batchSizes) {
    const feeds = feedsFor(job.model, batchSize);
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const times: number[] = [];
    const start = performance.now();
    const until = start + job.secondsPerSize * 1000;
    // At least a few runs, even when one run of a big batch outlasts the time slot.
    while (performance.now() < until || times.length < 5) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push((performance.now() - t0) * 1000);
    }
    const elapsedS = (performance.now() - start) / 1000;
    points.push({ batchSize, runs: times.length, rowsPerS: (times.length * batchSize) / elapsedS, medianRunUs: median(times) });
  }
  const best = points.reduce((a, b) => (b.rowsPerS > a.rowsPerS ? b : a));
  return { kind: 'throughput', points, best };
}

/** `rows` rows in runs of `batchSize` (the last run smaller when it does not divide), one after the other. */
async function rows(job: RawRowsJob): Promise<RawRowsResult> {
  const session = await sessionFor(job.model);
  const full = feedsFor(job.model, job.batchSize);
  const rest = job.rows % job.batchSize;
  const last = rest === 0 ? full : feedsFor(job.model, rest);
  for (let i = 0; i < 3; i++) await session.run(full);
  let runs = 0;
  const start = performance.now();
  for (let done = 0; done < job.rows; done += job.batchSize) {
    await session.run(job.rows - done < job.batchSize ? last : full);
    runs++;
  }
  const elapsedS = (performance.now() - start) / 1000;
  return { kind: 'rows', batchSize: job.batchSize, rows: job.rows, runs, elapsedS, rowsPerS: job.rows / elapsedS };
}

serveJobs<RawJob, RawResult>(async (job) => (job.kind === 'latency' ? latency(job) : job.kind === 'rows' ? rows(job) : throughput(job)));
