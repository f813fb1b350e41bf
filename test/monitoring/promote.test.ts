import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/app/open-registry.js';
import { checkGates, rollbackTarget } from '../../src/monitoring/promotion.js';
import type { AliasChange } from '../../src/ports/metadata-store.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-promote-'));
const stateDir = path.join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the iris example whose manifest claims another accuracy: new bytes, so a new version. */
function irisWithAccuracy(accuracy: number): string {
  const copy = path.join(dir, `iris-${accuracy}`);
  cpSync(IRIS_EXAMPLE, copy, { recursive: true });
  const manifest = path.join(copy, 'mlpatterns.model.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^ {2}accuracy: .*$/m, `  accuracy: ${accuracy}`));
  return copy;
}

async function aliasVersion(alias: string): Promise<number | undefined> {
  const opened = await openRegistry({ stateDir });
  try {
    return (await opened.registry.aliases('iris')).find((a) => a.alias === alias)?.version;
  } finally {
    await opened.close();
  }
}

const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

// Runs the built CLI: `npm run build` first.
describe('mlpatterns promote / rollback against a SQLite registry', () => {
  beforeAll(async () => {
    expect((await cli(['models', 'register', 'iris', IRIS_EXAMPLE, '--alias', 'production'])).code).toBe(0);
    expect((await cli(['models', 'register', 'iris', irisWithAccuracy(0.95), '--alias', 'candidate'])).code).toBe(0);
  }, 30_000);

  it('promotes the candidate when its metrics pass the gate, and records the gate in the alias history', async () => {
    const res = await cli(['promote', 'iris', '--from', 'candidate', '--to', 'production', '--gate', 'accuracy>=0.9', '--actor', 'ci']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/iris@production -> iris:2 \(was iris:1\)/);
    expect(await aliasVersion('production')).toBe(2);
    const history = await cli(['alias-history', 'iris', '--alias', 'production', '--json']);
    const last = JSON.parse(history.stdout.trim().split('\n').at(-1) ?? '{}') as AliasChange;
    expect(last).toMatchObject({ fromVersion: 1, toVersion: 2, actor: 'ci' });
    expect(last.reason).toMatch(/gate accuracy>=0\.9 \(accuracy=0\.95\) passed/);
  });

  it('refuses a candidate that fails the gate: exit 1, a clear message, alias unchanged', async () => {
    expect((await cli(['models', 'register', 'iris', irisWithAccuracy(0.6), '--alias', 'candidate'])).code).toBe(0);
    const res = await cli(['promote', 'iris', '--gate', 'accuracy>=0.9']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not promoted, iris@production unchanged: .*accuracy>=0\.9 \(accuracy=0\.6\) failed/);
    expect(await aliasVersion('production')).toBe(2);
    const missing = await cli(['promote', 'iris', '--gate', 'f1>=0.5']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/f1=missing\) failed/);
  });

  it('rolls production back to the version before its last promotion, then has nothing earlier', async () => {
    const res = await cli(['rollback', 'iris', '--alias', 'production']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/iris@production -> iris:1 \(rolled back from iris:2\)/);
    expect(await aliasVersion('production')).toBe(1);
    const again = await cli(['rollback', 'iris', '--alias', 'production']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no earlier version/);
    expect(await aliasVersion('production')).toBe(1);
  });
});

describe('promotion rules', () => {
  const change = (from: number | null, to: number | null, reason: string | null = null): AliasChange => ({ name: 'm', alias: 'production', fromVersion: from, toVersion: to, actor: null, reason, changedAt: '2026-01-01T00:00:00.000Z' });

  it('replays the history as a stack: two rollbacks go two promotions back', () => {
    const history = [change(null, 1), change(1, 2), change(2, 3)];
    expect(rollbackTarget(history)).toEqual({ current: 3, target: 2 });
    expect(rollbackTarget([...history, change(3, 2, 'rollback m@production from v3 to v2')])).toEqual({ current: 2, target: 1 });
    expect(rollbackTarget([change(null, 1)])).toEqual({ current: 1 });
  });

  it('checks every gate, missing metrics fail, and only comparisons are gates', () => {
    expect(checkGates(['accuracy>=0.9', 'log_loss<0.1'], { accuracy: 0.95, log_loss: 0.2 }).map((g) => g.passed)).toEqual([true, false]);
    expect(checkGates(['recall>0.5'], {})[0]).toEqual({ gate: 'recall>0.5', metric: 'recall', passed: false });
    expect(() => checkGates(['feature:x drifted'], {})).toThrow(/must compare a metric/);
    expect(() => checkGates(['accuracy => 0.9'], {})).toThrow(/not a condition/);
  });
});
