import { afterEach, describe, expect, it } from 'vitest';
import type { LoadtestReport } from '../../src/loadtest/report.js';
import { runCli } from '../helpers/cli.js';
import { startHttpTarget, type HttpTarget } from './http-target.js';

// Runs the built CLI (bin/mlpatterns.js → dist/): `npm run build` first.
let target: HttpTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('mlpatterns loadtest (CLI)', () => {
  it('prints the report and exits 1 when the success ratio is under --fail-under', async () => {
    target = await startHttpTarget((_req, res, index) => res.writeHead(index % 2 === 0 ? 200 : 503).end());
    const run = await runCli(['loadtest', `${target.url}/v1/models/iris/predict`, '--rate', '100', '--duration', '400ms', '--data', '{"instances":[[1,2,3,4]]}', '--fail-under', '0.99']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`loadtest POST ${target.url}/v1/models/iris/predict`);
    expect(run.stdout).toMatch(/requests\s+40 sent, 40 answered, 20 ok \(2xx\), 20 failed/);
    expect(run.stdout).toMatch(/success\s+50\.00%/);
    expect(run.stdout).toMatch(/status codes\s+200: 20, 503: 20/);
    expect(run.stdout).toMatch(/p50 [\d.]+ ms {2}p90 [\d.]+ ms {2}p95 [\d.]+ ms {2}p99 [\d.]+ ms/);
    expect(run.stderr).toContain('success ratio 0.5 is under --fail-under 0.99');
  });

  it('exits 0 with a JSON report when the thresholds are met, with plain progress lines on a non-terminal stderr', async () => {
    target = await startHttpTarget((_req, res) => res.writeHead(200).end('{}'));
    const run = await runCli(['loadtest', target.url, '--rate', '50', '--duration', '1200ms', '--json', '--fail-under', '0.99', '--p99-under', '2000', '-H', 'x-test: 1']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as LoadtestReport;
    expect(report).toMatchObject({ method: 'GET', successRatio: 1, statusCodes: { '200': 60 }, errors: {}, requests: { sent: 60, ok: 60 } });
    expect(report.latencyMs.p99).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/^\[1s\] sent \d+ \([\d.]+\/s\) {2}ok 100\.0% {2}p99 [\d.]+ ms$/m);
    expect(run.stderr).not.toContain('\r');
  });

  it('exits 1 when p99 is not under --p99-under', async () => {
    target = await startHttpTarget((_req, res) => setTimeout(() => res.writeHead(200).end(), 60));
    const run = await runCli(['loadtest', target.url, '--rate', '50', '--duration', '300ms', '--p99-under', '20', '-q']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/p99 latency [\d.]+ ms is not under --p99-under 20 ms/);
  });

  it.each([
    [['nope', '--rate', '10', '--duration', '1s'], '"nope" is not a URL'],
    [['http://127.0.0.1:1/', '--rate', '-3', '--duration', '1s'], '--rate must be a positive number, got "-3"'],
    [['http://127.0.0.1:1/', '--rate', '10', '--duration', 'soon'], '--duration must look like 500ms, 30s, 2m or 1h, got "soon"'],
    [['http://127.0.0.1:1/', '--rate', '10'], '--duration <time> is required'],
    [['http://127.0.0.1:1/', '--rate', '10', '--duration', '1s', '--fail-under', '99'], '--fail-under must be a success ratio from 0 to 1'],
  ])('exits 2 with a clear message for bad flags: %j', async (args, message) => {
    const run = await runCli(['loadtest', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`mlpatterns loadtest: ${message}`);
    expect(run.stdout).toBe('');
  });
});
