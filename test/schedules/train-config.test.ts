import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';

const config = (raw: Record<string, unknown>) => () => resolveConfig(raw, '/srv/app/mlpatterns.yaml');
const batch = { model: './iris', input: 'rows.csv', key: 'id', output: 'out.jsonl' };

describe('train: schedules and pipeline: triggers in the config', () => {
  it('resolves the pipeline against the config file and fills the defaults', () => {
    const cfg = config({ schedules: [{ name: 'weekly', cron: '0 3 * * 1', train: { pipeline: 'pipelines/iris.yaml', params: { seed: 7, alias: 'candidate', verbose: true } } }] })();
    expect(cfg.schedules[0]).toEqual({
      name: 'weekly',
      cron: '0 3 * * 1',
      timezone: 'UTC',
      retries: 2,
      retryBackoffMs: 1000,
      enabled: true,
      train: { pipeline: path.resolve('/srv/app/pipelines/iris.yaml'), params: { seed: 7, alias: 'candidate', verbose: true }, storage: 'config' },
    });
  });

  it.each([
    [{ name: 'a', cron: '* * * * *' }, /exactly one of "batch" \(a batch job\) and "train"/],
    [{ name: 'a', cron: '* * * * *', batch, train: { pipeline: 'p.yaml' } }, /exactly one of "batch"/],
    [{ name: 'a', cron: '* * * * *', train: {} }, /schedules\.0\.train\.pipeline/],
    [{ name: 'a', cron: '* * * * *', train: { pipeline: 'p.yaml', params: { x: [1] } } }, /schedules\.0\.train\.params\.x/],
    [{ name: 'a', cron: '* * * * *', train: { pipeline: 'p.yaml', storage: 'somewhere' } }, /schedules\.0\.train\.storage/],
    [{ name: 'a', cron: '* * * * *', train: { pipeline: 'p.yaml', timeoutMs: 0 } }, /schedules\.0\.train\.timeoutMs/],
  ])('refuses %j', (schedule, message) => {
    expect(config({ schedules: [schedule] })).toThrow(message);
  });

  it('takes a pipeline: trigger action, its file relative to the config file', () => {
    const cfg = config({
      models: [{ name: 'iris', path: './iris' }],
      monitors: [{ name: 'drift', model: 'iris' }],
      triggers: [
        { name: 'retrain', monitor: 'drift', when: 'drift_share > 0.3', action: { pipeline: './pipelines/iris.yaml', params: { alias: 'production' } } },
        { name: 'hook', monitor: 'drift', when: 'drift_share > 0.5', action: { command: ['./retrain.sh'] } },
      ],
    })();
    expect(cfg.triggers[0]?.action).toEqual({ pipeline: path.resolve('/srv/app/pipelines/iris.yaml'), params: { alias: 'production' }, storage: 'config' });
    expect(cfg.triggers[1]?.action).toEqual({ command: ['./retrain.sh'] });
  });
});
