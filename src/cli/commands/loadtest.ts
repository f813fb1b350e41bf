import type { Command } from 'commander';
import { LoadtestUsageError, planFromFlags, type LoadtestFlags } from '../../loadtest/options.js';
import { progressWriter } from '../../loadtest/progress.js';
import { buildReport, formatReport, missedThresholds, type Thresholds } from '../../loadtest/report.js';
import { runLoad } from '../../loadtest/run-load.js';
import { collect } from '../parse.js';

interface LoadtestCommandFlags extends LoadtestFlags {
  json?: boolean;
  quiet?: boolean;
  failUnder?: string;
  p99Under?: string;
}

function parseThresholds(flags: LoadtestCommandFlags): Thresholds {
  const thresholds: Thresholds = {};
  if (flags.failUnder !== undefined) {
    const ratio = Number(flags.failUnder);
    if (flags.failUnder.trim() === '' || !(ratio >= 0 && ratio <= 1)) throw new LoadtestUsageError(`--fail-under must be a success ratio from 0 to 1, got "${flags.failUnder}"`);
    thresholds.failUnder = ratio;
  }
  if (flags.p99Under !== undefined) {
    const ms = Number(flags.p99Under);
    if (flags.p99Under.trim() === '' || !(ms > 0 && Number.isFinite(ms))) throw new LoadtestUsageError(`--p99-under must be a positive number of milliseconds, got "${flags.p99Under}"`);
    thresholds.p99UnderMs = ms;
  }
  return thresholds;
}

export function loadtestCommand(program: Command): void {
  program
    .command('loadtest')
    .description('send requests at a constant rate (open loop) and report rate, success ratio, status codes and latency percentiles')
    .argument('<url>', 'the URL to load, e.g. http://127.0.0.1:8080/v1/models/iris/predict')
    .option('-r, --rate <per-second>', 'requests per second, sent on a fixed schedule whatever the answers (required)')
    .option('-d, --duration <time>', 'how long to send: 500ms, 30s, 2m (required)')
    .option('--data <json>', 'JSON request body (sets content-type: application/json and method POST)')
    .option('--body <file>', 'request body from a file (method POST)')
    .option('-X, --method <method>', 'HTTP method (default GET, or POST with a body)')
    .option('-H, --header <name:value>', 'request header, repeatable', collect, [])
    .option('-c, --connections <n>', 'keep-alive connections (default rate/10, 4 to 1000)')
    .option('--timeout-ms <ms>', 'per-request deadline from its scheduled send time', '10000')
    .option('--fail-under <ratio>', 'exit 1 when the success ratio (2xx / sent) is under this, e.g. 0.99')
    .option('--p99-under <ms>', 'exit 1 unless the p99 latency is under this many milliseconds')
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(async (url: string, flags: LoadtestCommandFlags) => {
      let plan;
      let thresholds;
      try {
        plan = planFromFlags(url, flags);
        thresholds = parseThresholds(flags);
      } catch (err) {
        if (!(err instanceof LoadtestUsageError)) throw err;
        process.stderr.write(`mlpatterns loadtest: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      const stop = new AbortController();
      const onSigint = (): void => stop.abort();
      process.once('SIGINT', onSigint);
      const progress = progressWriter(process.stderr);
      try {
        const result = await runLoad(plan, { stop: stop.signal, ...(flags.quiet ? {} : { onProgress: progress.update }) });
        progress.done();
        const report = buildReport(plan, result);
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        const missed = missedThresholds(report, thresholds);
        for (const line of missed) process.stderr.write(`mlpatterns loadtest: ${line}\n`);
        if (missed.length > 0) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
