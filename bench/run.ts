/**
 * `npm run bench [-- --quick] [-- --only <ids>]`: issue 3's benchmark. Builds
 * the CLI if needed, generates the wide MLP, starts each server configuration
 * as a child process, drives it from a separate load-generator process, runs
 * raw onnxruntime in a third, then prints markdown tables (stdout) and writes
 * bench/results/latest.json. Progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './build.js';
import { installCleanup } from './children.js';
import { foreignCoresNow } from './cpu-usage.js';
import { runSteps, type Run } from './execute.js';
import { IRIS_PACKAGE, RESULTS_FILE } from './paths.js';
import { Progress } from './progress.js';
import { markdownTable, tableRows, targetsTable, worstForeignCpu } from './report.js';
import { gitState, machine, writeResults } from './results.js';
import { USAGE, UsageError, parseArgs } from './settings.js';
import { STEPS, selectSteps } from './steps.js';
import { evaluateTargets } from './targets.js';
import { WIDE_WIDTHS } from './wide-mlp.js';

async function main(): Promise<number> {
  const settings = parseArgs(process.argv.slice(2));
  if (settings === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const steps = selectSteps(settings.only);
  if (steps.length === 0) {
    throw new UsageError(`--only ${settings.only?.join(',') ?? ''} matches no step; step ids: ${STEPS.map((s) => s.id).join(', ')}`);
  }
  const progress = new Progress(steps.length);
  const startedAt = new Date();
  // Other work on the machine skews every figure (server and load generator share the cores): record it.
  const busyBefore = await foreignCoresNow(500);
  if (busyBefore !== null && busyBefore >= 0.25) {
    progress.info(`warning: other processes are using ${busyBefore.toFixed(2)} of ${cpus().length} cores; they will skew the figures`);
  }

  const build = settings.build === 'never' ? { built: false, ms: 0 } : ensureBuilt(settings.build === 'always');
  progress.info(build.built ? `built dist/ in ${(build.ms / 1000).toFixed(1)} s` : 'dist/ is up to date');

  // Holds the generated model and the servers' state directory; removed at the end, or on Ctrl-C.
  const tmp = mkdtempSync(join(tmpdir(), 'mlpatterns-bench-'));
  installCleanup(() => rmSync(tmp, { recursive: true, force: true }));

  let run: Run;
  try {
    run = await runSteps(settings, steps, progress, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows = tableRows(steps, run.outcomes);
  const targets = evaluateTargets(run.outcomes);
  const host = machine();
  const git = gitState();
  const elapsedS = progress.elapsedS();
  const header = `${settings.mode} mode, ${startedAt.toISOString()}, ${host.cpus} × ${host.cpuModel}, Node ${host.node}, commit ${git.commit?.slice(0, 10) ?? '?'}${git.dirty ? ' (uncommitted changes)' : ''}`;
  const worst = worstForeignCpu(run.outcomes);
  const quiet =
    worst === null
      ? ''
      : `Other processes on the machine used up to ${worst.toFixed(2)} cores during a step (${(busyBefore ?? 0).toFixed(2)} before the run).\n\n`;
  process.stdout.write(`\n## Benchmark (${header})\n\n${quiet}${markdownTable(rows)}\n\n## Targets\n\n${targetsTable(targets)}\n\n`);

  writeResults(RESULTS_FILE, {
    schema: 1,
    timestamp: startedAt.toISOString(),
    elapsedS,
    mode: settings.mode,
    only: settings.only ?? null,
    settings,
    machine: host,
    foreignCpuCoresBefore: busyBefore,
    git,
    build,
    models: {
      tiny: { path: IRIS_PACKAGE, input: 'features [-1, 4] float32' },
      wide: { widths: WIDE_WIDTHS, input: 'features [-1, 256] float32', seeded: true },
      graph: { config: 'written by bench/service-graph-config.ts', iris: IRIS_PACKAGE, chainB: '3 → 8 relu → 2 regression MLP, seeded' },
    },
    serverFlags: run.serverFlags,
    serverProcesses: run.serverProcesses,
    table: rows,
    targets,
    steps: steps.map((s) => ({ id: s.id, title: s.title, concurrency: s.concurrency, ...run.outcomes.get(s.id) })),
  });
  progress.info(`wrote ${RESULTS_FILE} (${elapsedS.toFixed(1)} s in all)`);
  return [...run.outcomes.values()].some((o) => o.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const detail = err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`bench: ${detail}\n`);
    process.exitCode = 1;
  },
);
