import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../../src/config/load-config.js';
import { interpolateEnv } from '../../src/config/interpolate.js';
import { MlError } from '../../src/errors/ml-error.js';

describe('config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-config-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('interpolates ${ENV} and ${ENV:-default}, reporting missing ones', () => {
    expect(interpolateEnv('a ${X} ${Y:-dflt}', { X: '1' })).toEqual({ text: 'a 1 dflt', missing: [] });
    expect(interpolateEnv('${NOPE}', {}).missing).toEqual(['NOPE']);
  });

  it('fills defaults, resolves paths against the file and freezes the result', async () => {
    const file = path.join(dir, 'mlpatterns.yaml');
    await writeFile(file, 'server:\n  port: ${PORT:-9001}\nmodels:\n  - name: iris\n    path: ./models/iris\n');
    const cfg = await loadConfigFile(file, {});
    expect(cfg.server.port).toBe(9001);
    expect(cfg.server.host).toBe('0.0.0.0');
    expect(cfg.models[0]?.path).toBe(path.join(dir, 'models/iris'));
    expect(Object.isFrozen(cfg.models[0])).toBe(true);
  });

  it('lists every problem in one CONFIG_INVALID error', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'server:\n  port: "x"\n  colour: red\nmodels:\n  - name: a/b\n    path: p\n  - name: ok\n  - name: ok\n    ref: ok@production\n    path: p\n');
    const err = await loadConfigFile(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlError);
    const message = (err as MlError).message;
    expect((err as MlError).code).toBe('CONFIG_INVALID');
    expect(message).toContain('server.port');
    expect(message).toContain('colour');
    expect(message).toContain('models.0.name');
    expect(message).toContain('exactly one of "path" or "ref"');
  });

  it('reports unset variables and bad YAML', async () => {
    const file = path.join(dir, 'env.yaml');
    await writeFile(file, 'server:\n  adminToken: ${ADMIN_TOKEN}\n');
    await expect(loadConfigFile(file, {})).rejects.toThrow(/ADMIN_TOKEN/);
    await writeFile(file, 'models: [\n');
    await expect(loadConfigFile(file, {})).rejects.toThrow(/not valid YAML/);
  });

  it('rejects duplicate model names', () => {
    expect(() => resolveConfig({ models: [{ name: 'a', path: 'x' }, { name: 'a', path: 'y' }] })).toThrow(/duplicate model name/);
  });
});
