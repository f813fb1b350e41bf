/**
 * Issue 6's prediction-log scenario: the tiny model's throughput with every
 * prediction logged (SQLite sink, the default) against the same model with the
 * log off, two servers started side by side for this step and measured in
 * interleaved slices, so drift on the machine touches both alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClosedLoopResult, LoadJob } from './load-protocol.js';
import type { GroupMeasurement } from './measurements.js';
import { IRIS_NAME, IRIS_ROW, friendlyRequest } from './payloads.js';
import { IRIS_PACKAGE } from './paths.js';
import { startServer, stopServer, type RunningServer } from './server.js';
import { TINY_CONCURRENCY } from './settings.js';
import type { Step } from './steps.js';

export const PREDLOG_STEP_IDS = { group: 'predlog-cost', off: 'predlog-cost/off', on: 'predlog-cost/on' } as const;

/**
 * The measured time is cut into slices this long, taken in turns: many short
 * rounds rather than a few long ones, because load from other work on the
 * machine changes over seconds and touches a round's two slices alike, and the
 * target is the median of the rounds' ratios (9 rounds of 1.7 s swung by ±10 %
 * from run to run on the shared 2-core machine; 30 rounds of 0.5 s, the same
 * time, by a third of that).
 */
const SLICE_S = 0.5;

function writeConfig(dir: string, store: 'sqlite' | 'none'): string {
  const file = join(dir, `predlog-${store}.yaml`);
  const lines = [
    '# Written by bench/prediction-log.ts.',
    'models:',
    `  - { name: ${IRIS_NAME}, path: ${JSON.stringify(IRIS_PACKAGE)} }`,
    // A config file's storage wins over --state-dir: each server gets its own here.
    `storage: { stateDir: ${JSON.stringify(join(dir, `state-${store}`))} }`,
    'logging:',
    `  predictions: { store: ${store}, path: ${JSON.stringify(join(dir, 'predictions.sqlite'))} }`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Both servers must be what they claim, or the ratio means nothing: the "off"
 * one must not log (its read API answers 503), the "on" one must have logged
 * every prediction (nothing dropped, which would make logging look cheaper).
 * (`serve <config>` once ignored the logging section: both servers logged.)
 */
async function checkLogging(off: RunningServer, on: RunningServer): Promise<void> {
  const offLogs = await fetch(new URL('/v1/logs?limit=1', off.url), { signal: AbortSignal.timeout(5000) });
  if (offLogs.status !== 503) throw new Error(`the "log off" server logs predictions (GET /v1/logs answered ${offLogs.status}): the comparison would be log on vs log on`);
  const onLogs = await fetch(new URL('/v1/logs?limit=1', on.url), { signal: AbortSignal.timeout(5000) });
  const logged = ((await onLogs.json()) as { records?: unknown[] }).records?.length ?? 0;
  if (onLogs.status !== 200 || logged === 0) throw new Error(`the "log on" server has no records (GET /v1/logs answered ${onLogs.status})`);
  const metrics = await (await fetch(new URL('/metrics', on.url), { signal: AbortSignal.timeout(5000) })).text();
  const dropped = metrics
    .split('\n')
    .filter((line) => line.startsWith('mlpatterns_prediction_log_dropped_total'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  if (dropped > 0) throw new Error(`the "log on" server dropped ${dropped} records (mlpatterns_prediction_log_dropped_total): logging was not all paid for`);
}

/**
 * Waits until the server has written out every prediction it buffered, and
 * says how long that took (s). The logger defers work (the writer's inserts,
 * the last partial batch until its timer); left alone, that work would run
 * during the other server's slice and be charged to it, which flatters the
 * logging server more the shorter the slices. A feedback for a prediction the
 * log does not hold makes the logger flush first (record-feedback.ts) and is
 * then answered 404; the server without a log answers 503 at once.
 */
async function settle(server: RunningServer): Promise<number> {
  const started = performance.now();
  const res = await fetch(new URL('/v1/feedback', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ request_id: 'mlp-bench-settle', label: 'settle' }),
    signal: AbortSignal.timeout(60_000),
  });
  await res.arrayBuffer();
  if (res.status !== 404 && res.status !== 503) throw new Error(`settling ${server.spec.label}: POST /v1/feedback answered ${res.status}, not 404 (flushed, no such prediction) or 503 (no log)`);
  return (performance.now() - started) / 1000;
}

/** A slice's throughput with the settling counted as part of its time: the logging it left undone was its own. */
function chargeSettling(result: ClosedLoopResult, settleS: number): ClosedLoopResult {
  return { ...result, reqPerS: (result.reqPerS * result.durationS) / (result.durationS + settleS), durationS: result.durationS + settleS };
}

/** The median-throughput slice stands for the server; errors are summed over every slice, so none hides. */
function memberResult(slices: readonly ClosedLoopResult[]): ClosedLoopResult {
  const median = [...slices].sort((a, b) => a.reqPerS - b.reqPerS)[(slices.length - 1) >> 1];
  if (median === undefined) throw new Error('no slices');
  const sum = (f: (r: ClosedLoopResult) => number): number => slices.reduce((total, r) => total + f(r), 0);
  return { ...median, non2xx: sum((r) => r.non2xx), networkErrors: sum((r) => r.networkErrors) };
}

export function predictionLogSteps(): Step[] {
  const request = friendlyRequest(IRIS_NAME, [[...IRIS_ROW]]);
  return [
    {
      id: PREDLOG_STEP_IDS.group,
      title: `tiny model, friendly JSON: prediction log on (SQLite) vs off (interleaved)`,
      concurrency: String(TINY_CONCURRENCY),
      estimateS: (s) => 2 * (s.warmupS + s.durationS * s.repeats) + 2,
      run: async (ctx): Promise<GroupMeasurement> => {
        const dir = mkdtempSync(join(tmpdir(), 'mlp-bench-predlog-'));
        const servers: RunningServer[] = [];
        try {
          for (const store of ['none', 'sqlite'] as const) {
            servers.push(await startServer({ label: `iris, prediction log ${store}`, model: '', name: '', config: writeConfig(dir, store), flags: [] }, join(dir, `state-${store}`)));
          }
          const s = ctx.settings;
          const rounds = Math.max(3, Math.round((s.durationS * s.repeats) / SLICE_S));
          const sliceS = (s.durationS * s.repeats) / rounds;
          const slices: ClosedLoopResult[][] = servers.map(() => []);
          for (let round = 0; round < rounds; round++) {
            for (let k = 0; k < servers.length; k++) {
              const i = (round + k) % servers.length;
              const server = servers[i];
              if (server === undefined) throw new Error(`no server ${i}`);
              const job: LoadJob = { kind: 'closed', url: server.url, request, connections: TINY_CONCURRENCY, durationS: sliceS, warmupS: round === 0 ? s.warmupS : 0 };
              const result = await ctx.load.call(job);
              if (result.kind !== 'closed') throw new Error('load worker answered a closed-loop job with an open-loop result');
              slices[i]?.push(chargeSettling(result, await settle(server)));
            }
          }
          const [offServer, onServer] = servers;
          if (offServer === undefined || onServer === undefined) throw new Error('servers missing');
          await checkLogging(offServer, onServer);
          const members = [
            { id: PREDLOG_STEP_IDS.off, title: 'tiny model, prediction log off (store: none)', own: slices[0] ?? [] },
            { id: PREDLOG_STEP_IDS.on, title: 'tiny model, prediction log on (store: sqlite)', own: slices[1] ?? [] },
          ];
          return {
            kind: 'group',
            members: members.map(({ id, title, own }) => ({
              id,
              title,
              sliceP50sUs: own.map((r) => r.ok.p50Us),
              measurement: {
                kind: 'closed',
                concurrency: TINY_CONCURRENCY,
                rowsPerRequest: 1,
                serverFlags: [],
                result: memberResult(own),
                repeatsReqPerS: own.map((r) => r.reqPerS),
                meanBatchRows: null,
              },
            })),
          };
        } finally {
          for (const server of servers) await stopServer(server);
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
}
