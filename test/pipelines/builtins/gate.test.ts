import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/app/open-registry.js';
import { parseGateRule, productionBound } from '../../../src/monitoring/expressions.js';
import { checkGates, promote } from '../../../src/monitoring/promotion.js';
import { IRIS_EXAMPLE } from '../../helpers/fixtures.js';

describe('gate rules', () => {
  it('parses absolute and versus-production rules', () => {
    expect(parseGateRule('accuracy>=0.9')).toEqual({ kind: 'absolute', metric: 'accuracy', op: '>=', value: 0.9, text: 'accuracy>=0.9' });
    expect(parseGateRule(' mae <= production * 1.05 ')).toEqual({ kind: 'versus-production', metric: 'mae', op: '<=', adjust: { by: '*', amount: 1.05 }, text: 'mae <= production * 1.05' });
    expect(parseGateRule('auc > PRODUCTION')).toEqual({ kind: 'versus-production', metric: 'auc', op: '>', text: 'auc > PRODUCTION' });
    expect(parseGateRule('loss < production + 1e-3')).toMatchObject({ adjust: { by: '+', amount: 0.001 } });
    expect(() => parseGateRule('accuracy >= production / 2')).toThrow(/not a condition.*production \[\+-\*\] <number>/);
    expect(() => parseGateRule('accuracy >= candidate')).toThrow(/not a condition/);
  });

  it('computes bounds without floating-point noise', () => {
    const rule = parseGateRule('accuracy >= production - 0.02');
    if (rule.kind !== 'versus-production') throw new Error('expected a versus-production rule');
    expect(productionBound(rule, 0.95)).toBe(0.93);
    expect(checkGates(['accuracy >= production - 0.02'], { accuracy: 0.93 }, { version: 1, metrics: { accuracy: 0.95 } })[0]?.passed).toBe(true);
    expect(checkGates(['accuracy >= production - 0.02'], { accuracy: 0.9299 }, { version: 1, metrics: { accuracy: 0.95 } })[0]?.passed).toBe(false);
    // A candidate without the metric fails a versus-production rule as it fails an absolute one.
    expect(checkGates(['mae <= production'], {}, { version: 1, metrics: { mae: 1 } })[0]).toMatchObject({ passed: false, bound: 1 });
  });
});

describe('mlpatterns promote with a versus-production gate', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlp-gate-promote-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compares the candidate with the version production names', async () => {
    const opened = await openRegistry({ stateDir: path.join(dir, 'state') });
    try {
      const { registry } = opened;
      const copy = (n: number): string => {
        const target = path.join(dir, `iris-${n}`);
        cpSync(IRIS_EXAMPLE, target, { recursive: true });
        const manifest = path.join(target, 'mlpatterns.model.yaml');
        writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^description: .*$/m, `description: copy ${n}`));
        return target;
      };
      await registry.register({ name: 'iris', path: copy(1), metrics: { accuracy: 0.95 }, alias: ['production'] });
      await registry.register({ name: 'iris', path: copy(2), metrics: { accuracy: 0.9 }, alias: ['candidate'] });
      const refused = await promote(registry, { model: 'iris', from: 'candidate', to: 'production', gates: ['accuracy >= production - 0.02'] });
      expect(refused).toMatchObject({ promoted: false, version: 2 });
      expect(refused.reason).toMatch(/accuracy >= production - 0\.02 \(accuracy=0\.9, bound 0\.93 from production 0\.95\) failed/);
      await registry.register({ name: 'iris', path: copy(3), metrics: { accuracy: 0.94 }, alias: ['candidate'] });
      expect(await promote(registry, { model: 'iris', from: 'candidate', to: 'production', gates: ['accuracy >= production - 0.02'] })).toMatchObject({ promoted: true, version: 3, previous: 1 });
    } finally {
      await opened.close();
    }
  });
});
