import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEvaluationStore } from '../../src/adapters/sqlite/evaluation-store.js';
import { openRegistry } from '../../src/app/open-registry.js';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-promote-eval-'));
const stateDir = path.join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the iris example with other bytes (its manifest's accuracy), so a new version. */
function irisCopy(accuracy: number): string {
  const copy = path.join(dir, `iris-${accuracy}`);
  cpSync(IRIS_EXAMPLE, copy, { recursive: true });
  const manifest = path.join(copy, 'mlpatterns.model.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^ {2}accuracy: .*$/m, `  accuracy: ${accuracy}`));
  return copy;
}

/** A stored daily window of iris `version` with the given macro F1 (and a low accuracy the registry's value must win over). */
function window(version: string, day: string, f1: number, joined = 40): Evaluation {
  return {
    model: 'iris',
    version,
    window_start: `${day}T00:00:00.000Z`,
    window_end: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString(),
    predictions: 50,
    joined,
    unjoined: 50 - joined,
    classification: { count: joined, accuracy: 0.1, precision: f1, recall: f1, f1 },
  };
}

const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

// Runs the built CLI: `npm run build` first.
describe('promote --gate on metrics of the stored continued evaluation', () => {
  beforeAll(async () => {
    expect((await cli(['models', 'register', 'iris', IRIS_EXAMPLE, '--alias', 'production'])).code).toBe(0);
    expect((await cli(['models', 'register', 'iris', irisCopy(0.95), '--alias', 'candidate'])).code).toBe(0);
    const store = openSqliteEvaluationStore({ path: path.join(stateDir, 'mlpatterns.db') });
    try {
      await store.save([window('1', '2026-03-03', 0.9), window('2', '2026-03-02', 0.5), window('2', '2026-03-03', 0.93), window('2', '2026-03-04', 0.2, 5)]);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('reads a metric the registry lacks from the version\'s latest window with enough feedback, for it and for production', async () => {
    const res = await cli(['promote', 'iris', '--gate', 'f1>=0.92', '--gate', 'f1 >= production + 0.02', '--gate', 'accuracy>=0.9', '--actor', 'ci']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/iris@production -> iris:2 \(was iris:1\)/);
    // 03-04 has 5 joined rows (< 30): passed over for 03-03. Production v1's window: 0.9 + 0.02 = 0.92.
    expect(res.stdout).toContain('f1>=0.92 (f1=0.93 from evaluation iris:2 window 2026-03-03T00:00:00.000Z (1d, 40 joined)) passed');
    expect(res.stdout).toMatch(/f1 >= production \+ 0\.02 \(f1=0\.93 from evaluation iris:2 window \S+ \(1d, 40 joined\), bound 0\.92 from production 0\.9 \(evaluation iris:1 window 2026-03-03T00:00:00\.000Z \(1d, 40 joined\)\)\) passed/);
    // The registry's accuracy wins over the window's 0.1.
    expect(res.stdout).toContain('accuracy>=0.9 (accuracy=0.95) passed');
    const opened = await openRegistry({ stateDir });
    try {
      expect((await opened.registry.aliases('iris')).find((a) => a.alias === 'production')?.version).toBe(2);
    } finally {
      await opened.close();
    }
  });

  it('fails the gate on a low stored value, and on a metric neither has', async () => {
    expect((await cli(['models', 'register', 'iris', irisCopy(0.96), '--alias', 'candidate'])).code).toBe(0);
    const store = openSqliteEvaluationStore({ path: path.join(stateDir, 'mlpatterns.db') });
    await store.save([window('3', '2026-03-04', 0.7)]);
    await store.close();
    const low = await cli(['promote', 'iris', '--gate', 'f1>=0.9']);
    expect(low.code).toBe(1);
    expect(low.stderr).toMatch(/not promoted, iris@production unchanged: .*f1>=0\.9 \(f1=0\.7 from evaluation iris:3 window 2026-03-04T00:00:00\.000Z \(1d, 40 joined\)\) failed/);
    const hourly = await cli(['promote', 'iris', '--gate', 'f1>=0.5', '--eval-window', '1h']);
    expect(hourly.code).toBe(1);
    expect(hourly.stderr).toMatch(/f1=missing\) failed/);
    const bad = await cli(['promote', 'iris', '--gate', 'f1>=0.5', '--eval-window', 'daily']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--eval-window must be a positive duration/);
  });
});
