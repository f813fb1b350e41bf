/** Runs the selected steps against their servers and workers, and records each one's outcome. */
import { join } from 'node:path';
import { FOREIGN_CPU_NOTICE, cpuSnapshot, foreignCores } from './cpu-usage.js';
import type { LoadJob, LoadResult } from './load-protocol.js';
import { StepSkipped, type Measurement, type Outcome } from './measurements.js';
import { BENCH_DIR } from './paths.js';
import { processTree } from './proc.js';
import type { Progress } from './progress.js';
import type { RawJob, RawResult } from './raw-ort-protocol.js';
import { isAlive, startServer, stopServer, supportedServeFlags, type RunningServer } from './server.js';
import { writeGraphConfig } from './service-graph-config.js';
import { serverSpec, type ServerKey } from './server-specs.js';
import type { Settings } from './settings.js';
import type { Step } from './steps.js';
import { WIDE_WIDTHS, writeWideMlp } from './wide-mlp.js';
import { WorkerProcess } from './worker-rpc.js';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function progressTitle(step: Step): string {
  const numeric = /^\d+$/.test(step.concurrency);
  return numeric && !step.title.includes('c=') ? `${step.title} c=${step.concurrency}` : step.title;
}

function summaryLine(m: Measurement): string {
  const msOf = (us: number): string => (us / 1000).toFixed(2);
  switch (m.kind) {
    case 'closed': {
      const batch = m.meanBatchRows === null ? '' : `, ${m.meanBatchRows.toFixed(1)} rows per execution`;
      return `${Math.round(m.result.reqPerS)} req/s, p50 ${msOf(m.result.ok.p50Us)} ms, p99 ${msOf(m.result.ok.p99Us)} ms, ${m.result.non2xx + m.result.networkErrors} errors${batch}`;
    }
    case 'group':
      return m.members.map((x) => `${x.id} p50 ${msOf(x.measurement.result.ok.p50Us)} ms`).join(', ');
    case 'raw-latency':
      return `median ${Math.round(m.result.medianUs)} µs, p99 ${Math.round(m.result.p99Us)} µs over ${m.result.runs} runs`;
    case 'raw-throughput':
      return m.result.points.map((p) => `b${p.batchSize}: ${Math.round(p.rowsPerS)} rows/s`).join(', ');
    case 'queue':
      return `${Math.round(m.jobsPerS)} jobs/s (${m.succeeded} succeeded, ${m.failed} failed in ${m.elapsedS.toFixed(2)} s; submitted in ${m.submitS.toFixed(2)} s)`;
    case 'batch': {
      const raw = `raw ${Math.round(m.rawRowsPerS)} rows/s`;
      if (m.batch === null) return `${raw}; batch runner not available: ${m.batchUnavailable ?? ''}`;
      return `batch ${Math.round(m.batch.rows / m.batch.elapsedS)} rows/s (${m.batch.status}, ${m.batch.keysWritten} keys in ${m.batch.elapsedS.toFixed(2)} s), ${raw}`;
    }
    case 'overload': {
      const r = m.result;
      return `due ${Math.round(r.scheduledPerS)} req/s (target ${Math.round(m.targetRatePerS)}), sent ${Math.round(r.sentPerS)}: ${r.accepted.count} accepted (p99 ${msOf(r.accepted.p99Us)} ms), ${r.rejected.count} rejected (p99 ${msOf(r.rejected.p99Us)} ms), ${r.unsent} unsent, server ${m.aliveAfter ? 'alive' : 'DOWN'}`;
    }
  }
}

export interface Run {
  readonly outcomes: Map<string, Outcome>;
  readonly serverFlags: Partial<Record<ServerKey, readonly string[]>>;
  /** Processes each server ran as (a primary and its workers, when it forks them), counted once it was ready. */
  readonly serverProcesses: Partial<Record<ServerKey, number>>;
}

/** Runs the steps in order, starting each server configuration when first needed and stopping it when done. */
export async function runSteps(settings: Settings, steps: readonly Step[], progress: Progress, tmp: string): Promise<Run> {
  const supported = supportedServeFlags();
  const wide = writeWideMlp(tmp);
  progress.info(`wide MLP ${WIDE_WIDTHS.join('→')} written (${(wide.bytes / 2 ** 20).toFixed(1)} MiB, ${wide.parameters} parameters)`);
  const graphConfig = writeGraphConfig(tmp);
  const load = WorkerProcess.start<LoadJob, LoadResult>(join(BENCH_DIR, 'load-worker.ts'));
  const raw = WorkerProcess.start<RawJob, RawResult>(join(BENCH_DIR, 'raw-ort-worker.ts'));
  const outcomes = new Map<string, Outcome>();
  const serverFlags: Run['serverFlags'] = {};
  const serverProcesses: Run['serverProcesses'] = {};
  // A configuration that could not start is not retried for each of its steps.
  const unusable = new Map<ServerKey, Extract<Outcome, { status: 'skipped' | 'failed' }>>();
  let current: { key: ServerKey; server: RunningServer } | undefined;
  try {
    for (const [i, step] of steps.entries()) {
      progress.step(i + 1, progressTitle(step), step.estimateS(settings));
      let server: RunningServer | undefined;
      try {
        // A server not needed by this step is stopped first, so that it takes nothing from the measurement.
        if (current !== undefined && current.key !== step.server) {
          await stopServer(current.server);
          current = undefined;
        }
        if (step.server !== undefined) {
          const key = step.server;
          const known = unusable.get(key);
          if (known !== undefined) {
            outcomes.set(step.id, known);
            progress.note(`${known.status}: ${known.reason.split('\n')[0] ?? ''}`);
            continue;
          }
          if (current === undefined) {
            const spec = serverSpec(key, wide.file, supported, graphConfig);
            if ('missing' in spec) {
              const skipped = { status: 'skipped', reason: `server lacks flag ${spec.missing.join(', ')}` } as const;
              unusable.set(key, skipped);
              outcomes.set(step.id, skipped);
              progress.note(`skipped: ${skipped.reason}`);
              continue;
            }
            try {
              current = { key, server: await startServer(spec.spec, join(tmp, 'state')) };
            } catch (err) {
              unusable.set(key, { status: 'failed', reason: `server did not start: ${errorText(err)}` });
              throw err;
            }
            serverFlags[key] = spec.spec.flags;
            serverProcesses[key] = processTree(current.server.pid).length;
          }
          if (!isAlive(current.server)) throw new Error(`server "${current.server.spec.label}" has exited`);
          server = current.server;
        }
        const pids = [process.pid, load.pid, raw.pid, ...(server !== undefined ? [server.pid] : [])];
        const before = cpuSnapshot(pids);
        const measurement = await step.run({ settings, load, raw, wide, server, outcomes });
        const foreignCpuCores = foreignCores(before, cpuSnapshot(pids));
        outcomes.set(step.id, { status: 'ok', measurement, foreignCpuCores });
        const disturbed = foreignCpuCores !== null && foreignCpuCores >= FOREIGN_CPU_NOTICE;
        progress.note(summaryLine(measurement) + (disturbed ? ` [other processes used ${foreignCpuCores.toFixed(2)} cores]` : ''));
      } catch (err) {
        const status = err instanceof StepSkipped ? 'skipped' : 'failed';
        outcomes.set(step.id, { status, reason: errorText(err) });
        progress.note(`${status}: ${errorText(err)}`);
      }
    }
  } finally {
    if (current !== undefined) await stopServer(current.server);
    await Promise.all([load.stop(), raw.stop()]);
  }
  return { outcomes, serverFlags, serverProcesses };
}

