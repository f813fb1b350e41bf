import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/**
 * examples/prep-pred as it is meant to run: two `mlpatterns serve` processes of the
 * built CLI (run `npm run build` first), the front (prep.yaml: image pre-processing +
 * a remote node) calling the prediction server (pred.yaml) over HTTP.
 */
const EXAMPLE = path.join(REPO_ROOT, 'examples/prep-pred');
const SAMPLES = readdirSync(path.join(EXAMPLE, 'samples'))
  .filter((file) => file.endsWith('.png'))
  .sort()
  .map((file) => ({ label: path.basename(file, '.png'), base64: readFileSync(path.join(EXAMPLE, 'samples', file)).toString('base64') }));

interface Server {
  url: string;
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  /** Everything the process printed since it started serving (its JSON request log lines among it). */
  log: () => string;
}

async function serve(config: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Server> {
  const started = await startCliServer([path.join(EXAMPLE, config), '--host', '127.0.0.1', ...args], env ? { env } : {});
  let log = '';
  started.child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  return { ...started, log: () => log };
}

async function stop(server: Server | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

async function classify(front: Server, instances: unknown[], requestId: string): Promise<Answer> {
  const start = performance.now();
  const res = await request(`${front.url}/v1/services/classify/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ instances }),
  });
  const body = (await res.body.json()) as Record<string, unknown>;
  return { status: res.statusCode, body, ms: performance.now() - start };
}

/** Request log lines (pino JSON) of `server` with this request id, waiting up to 5 s for the first. */
async function requestLogLines(server: Server, requestId: string): Promise<Record<string, unknown>[]> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const lines = server
      .log()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.reqId === requestId && entry.msg === 'request');
    if (lines.length > 0 || performance.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectClassified(answer: Answer, requestId: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body).toMatchObject({ service: 'classify', request_id: requestId, labels: SAMPLES.map((s) => s.label) });
  const predictions = answer.body.predictions as number[][];
  expect(predictions).toHaveLength(SAMPLES.length);
  for (const [i, row] of predictions.entries()) {
    expect(row).toHaveLength(3);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Clear-cut samples: the winning class is near certain, the label its argmax.
    expect(Math.max(...row)).toBeGreaterThan(0.9);
    expect(['horizontal', 'vertical', 'cross'][row.indexOf(Math.max(...row))]).toBe(SAMPLES[i]?.label);
  }
}

describe('examples/prep-pred: pre-processing and prediction as two processes', () => {
  let pred: Server | undefined;
  let front: Server | undefined;
  let predPort = 0;

  beforeAll(async () => {
    pred = await serve('pred.yaml', ['--port', '0']);
    predPort = Number(new URL(pred.url).port);
    front = await serve('prep.yaml', ['--port', '0'], { PRED_URL: pred.url });
  });

  afterAll(async () => {
    await Promise.all([stop(front), stop(pred)]);
  });

  it('has one sample per class', () => {
    expect(SAMPLES.map((s) => s.label)).toEqual(['cross', 'horizontal', 'vertical']);
  });

  it('classifies the sample PNGs through both processes, one request id in both request logs', async () => {
    const answer = await classify(front!, SAMPLES.map((s) => ({ image: s.base64 })), 'prep-pred-1');
    expectClassified(answer, 'prep-pred-1');
    const [predLine] = await requestLogLines(pred!, 'prep-pred-1');
    expect(predLine).toMatchObject({ method: 'POST', url: '/v1/models/classifier/predict', status: 200 });
    const [frontLine] = await requestLogLines(front!, 'prep-pred-1');
    expect(frontLine).toMatchObject({ method: 'POST', url: '/v1/services/classify/predict', status: 200 });
  });

  it('takes bare base64 strings and data: URLs as instances too', async () => {
    const bare = await classify(front!, SAMPLES.map((s) => s.base64), 'prep-pred-bare');
    expectClassified(bare, 'prep-pred-bare');
    const dataUrls = await classify(front!, SAMPLES.map((s) => `data:image/png;base64,${s.base64}`), 'prep-pred-data-url');
    expectClassified(dataUrls, 'prep-pred-data-url');
    expect(dataUrls.body.predictions).toEqual(bare.body.predictions);
  });

  it('answers 400 INVALID_DTYPE for a non-image, in the front: the prediction server never sees it', async () => {
    const notImage = Buffer.from('just some text, not a picture').toString('base64');
    const answer = await classify(front!, [{ image: SAMPLES[0]?.base64 }, { image: notImage }], 'prep-pred-bad');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'Input "image": instance 1 is not a decodable image', code: 'INVALID_DTYPE' });
    // The prediction server logs requests in order: once a later request is in its log, the bad one would be too.
    expectClassified(await classify(front!, SAMPLES.map((s) => s.base64), 'prep-pred-after-bad'), 'prep-pred-after-bad');
    expect(await requestLogLines(pred!, 'prep-pred-after-bad')).toHaveLength(1);
    expect(pred!.log()).not.toContain('prep-pred-bad"');
  });

  it('answers 503 REMOTE_UNAVAILABLE quickly while the prediction server is down, and recovers once it is back', async () => {
    pred!.child.kill('SIGKILL');
    await pred!.exited;
    const down = await classify(front!, SAMPLES.map((s) => s.base64), 'prep-pred-down');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'REMOTE_UNAVAILABLE' });
    expect(String(down.body.error)).toContain(`http://127.0.0.1:${predPort}/v1/models/classifier is unavailable`);
    // Connection refused: the retries' backoff is all it waits, well inside the node's 1000 ms budget.
    expect(down.ms).toBeLessThan(1000);

    pred = await serve('pred.yaml', ['--port', String(predPort)]);
    expectClassified(await classify(front!, SAMPLES.map((s) => s.base64), 'prep-pred-back'), 'prep-pred-back');
    expect(await requestLogLines(pred, 'prep-pred-back')).toHaveLength(1);
  });
});
