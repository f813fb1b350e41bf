import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/app/open-registry.js';
import type { MonitorState } from '../../src/monitoring/alert-state.js';
import { triggerSchema } from '../../src/monitoring/schema.js';
import { evaluateTriggers } from '../../src/monitoring/triggers.js';
import { TRAIN_COMMAND, TRAIN_PIPELINE } from './train-helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-train-trigger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DRIFTED = { drift_share: 0.5 };
const trigger = (params: Record<string, unknown>) =>
  triggerSchema.parse({ name: 'retrain', monitor: 'iris-drift', when: 'drift_share > 0.3', action: { pipeline: TRAIN_PIPELINE, params } });
const emptyState = (): MonitorState => ({ active: {}, triggers: {} });

describe('pipeline: trigger actions', () => {
  it('retrain through the CLI in a child process into the config\'s registry, once while the condition holds', async () => {
    const stateDir = path.join(root, 'state-ok');
    const state = emptyState();
    const options = { storage: { stateDir }, trainCommand: TRAIN_COMMAND };
    const [fired] = await evaluateTriggers([trigger({})], DRIFTED, new Set(), state, options);
    expect(fired).toMatchObject({ trigger: 'retrain', status: 'fired', training: { status: 'succeeded' } });
    expect(fired?.training?.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(await evaluateTriggers([trigger({})], DRIFTED, new Set(), state, options)).toEqual([{ trigger: 'retrain', status: 'holding' }]);
    const opened = await openRegistry({ stateDir });
    try {
      expect(await opened.registry.get('scheduled-iris@candidate')).toMatchObject({ version: 1, source: `pipeline scheduled-iris run ${String(fired?.training?.runId)}` });
    } finally {
      await opened.close();
    }
  });

  it('counts a run its gate rejected as fired, and a failed run as not fired (tried again next time)', async () => {
    const storage = { stateDir: path.join(root, 'state-other') };
    const rejected = await evaluateTriggers([trigger({ min_accuracy: 0.999 })], DRIFTED, new Set(), emptyState(), { storage, trainCommand: TRAIN_COMMAND });
    expect(rejected).toMatchObject([{ status: 'fired', training: { status: 'rejected' } }]);

    const state = emptyState();
    const [failed] = await evaluateTriggers([trigger({ mode: 'fail' })], DRIFTED, new Set(), state, { storage, trainCommand: TRAIN_COMMAND });
    expect(failed).toMatchObject({ status: 'idle' });
    expect(failed?.error).toMatch(/^training run \S+ of .*pipeline\.yaml failed: [\s\S]*training data is gone/);
    expect(state.triggers.retrain?.fired ?? false).toBe(false);
  });
});
