import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';

const batch = { model: './models/iris.onnx', input: 'rows.csv', key: 'id', output: 'sqlite:out.db?table=scores' };
const config = (schedules: unknown[], extra: Record<string, unknown> = {}) => () => resolveConfig({ schedules, ...extra }, '/srv/app/mlpatterns.yaml');

describe('schedules: in the config', () => {
  it('fills the defaults and resolves files against the config file, leaving URLs and registry refs alone', () => {
    const cfg = config([
      { name: 'a', cron: '*/5 * * * *', batch },
      { name: 'b', cron: '@daily', batch: { model: 'iris@prod', input: 'postgres://db/app?table=items', key: 'id', whereNull: 'score' } },
    ])();
    expect(cfg.schedules[0]).toEqual({
      name: 'a',
      cron: '*/5 * * * *',
      timezone: 'UTC',
      retries: 2,
      retryBackoffMs: 1000,
      enabled: true,
      batch: { model: path.resolve('/srv/app/models/iris.onnx'), input: path.resolve('/srv/app/rows.csv'), key: 'id', output: `sqlite:${path.resolve('/srv/app/out.db')}?table=scores` },
    });
    expect(cfg.schedules[1]?.batch).toEqual({ model: 'iris@prod', input: 'postgres://db/app?table=items', key: 'id', whereNull: 'score' });
  });

  it.each([
    [[{ name: 'a', cron: 'every minute', batch }], /schedules\.0\.cron.*invalid cron "every minute"/s],
    [[{ name: 'a', cron: '0 0 30 2 *', batch }], /cron "0 0 30 2 \*" never fires/],
    [[{ name: 'a', cron: '* * * * *', timezone: 'Mars/Olympus', batch }], /schedules\.0\.timezone.*unknown time zone "Mars\/Olympus"/s],
    [[{ name: 'a', cron: '* * * * *', batch }, { name: 'a', cron: '* * * * *', batch }], /duplicate schedule name "a"/],
    [[{ name: 'a', cron: '* * * * *', batch: { ...batch, service: 'nope', model: undefined } }], /unknown service "nope"/],
    [[{ name: 'a', cron: '* * * * *', batch: { ...batch, service: 's' } }], /exactly one of "service" and "model"/],
    [[{ name: 'a', cron: '* * * * *', batch: { ...batch, output: undefined } }], /give "output", or "whereNull"/],
    [[{ name: 'a b', cron: '* * * * *', batch }], /schedules\.0\.name/],
    [[{ name: 'a', cron: '* * * * *', batch, retries: -1 }], /schedules\.0\.retries/],
  ])('refuses %j at start-up', (schedules, message) => {
    expect(config(schedules)).toThrow(message);
  });
});
