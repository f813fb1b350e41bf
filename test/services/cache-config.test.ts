import { describe, expect, it } from 'vitest';
import { problemsOf } from '../helpers/config-problems.js';
import { resolveConfig } from '../../src/config/load-config.js';

const MODELS = [{ name: 'a', path: 'a.onnx' }];


describe('cache node config', () => {
  it('accepts the documented fields, with numbers from the environment', () => {
    const config = resolveConfig({
      models: MODELS,
      services: [{ name: 's', graph: { type: 'cache', input: { type: 'model', model: 'a' }, ttlMs: 5000, maxEntries: 100, store: 'redis', url: 'redis://127.0.0.1:6379' } }],
    });
    expect(config.services[0]?.graph).toMatchObject({ type: 'cache', store: 'redis', ttlMs: 5000 });
  });

  it('checks the input like any node, and refuses bad fields', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        { name: 's1', graph: { type: 'cache', input: { type: 'model', model: 'nope' } } },
        { name: 's2', graph: { type: 'cache', input: { type: 'model', model: 'a' }, url: 'redis://x:1' } },
        { name: 's3', graph: { type: 'cache', input: { type: 'model', model: 'a' }, store: 'redis', url: 'http://x', ttlMs: 0 } },
      ],
    });
    expect(message).toContain('"url" needs store: redis');
    expect(message).toContain('must be a redis:// or rediss:// URL');
    expect(message).toContain('services.2.graph.ttlMs');
  });

  it('reference problems show once the shapes are valid', () => {
    expect(problemsOf({ models: MODELS, services: [{ name: 's', graph: { type: 'cache', input: { type: 'model', model: 'nope' } } }] })).toContain(
      'services.0.graph.input.model: unknown model "nope"',
    );
  });
});
