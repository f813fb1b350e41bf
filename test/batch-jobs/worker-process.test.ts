import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { IRIS_SVC, irisRows, maxDiffByKey, readJsonl, tempDir, writeIrisCsv } from './helpers.js';

// Runs the BUILT CLI: `npm run build` first.
const tmp = tempDir('worker');
afterAll(() => tmp.remove());

describe('batch run with --workers 0: shards predicted by a `mlpatterns worker` process', () => {
  it('the worker takes every shard from the shared SQLite queue; the run writes each key once', async () => {
    const config = path.join(tmp.dir, 'mlpatterns.yaml');
    writeFileSync(config, ['models:', `  - { name: svc, path: ${JSON.stringify(IRIS_SVC)} }`, 'services:', '  - name: iris', '    graph: { type: model, model: svc }'].join('\n'));
    const rows = irisRows(300);
    const input = path.join(tmp.dir, 'iris.csv');
    writeIrisCsv(input, rows);

    const worker = spawn(process.execPath, [BIN, 'worker', config, '-q', 'batch', '--concurrency', '2', '--log-level', 'silent'], { cwd: tmp.dir });
    const exited = new Promise<number | null>((resolve) => worker.on('close', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        worker.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('mlpatterns worker ready')) resolve();
        });
        void exited.then((code) => reject(new Error(`worker exited early (${code})`)));
      });
      const output = path.join(tmp.dir, 'out.jsonl');
      const run = await runCli(['batch', 'run', '--config', config, '--service', 'iris', '--input', input, '--key', 'id', '--output', output, '--shard-size', '50', '--workers', '0'], { cwd: tmp.dir });
      expect(run.stderr).not.toMatch(/mlpatterns:/);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/succeeded: 300 rows, 300 keys written/);
      const written = readJsonl<{ id: string; prediction: number[] }>(output);
      expect(written.map((r) => r.id)).toEqual(rows.map((r) => r.id));
      expect(maxDiffByKey(new Map(written.map((r) => [r.id, r.prediction])), rows)).toBeLessThan(1e-4);
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
