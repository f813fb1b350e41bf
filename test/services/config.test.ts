import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../helpers/config-problems.js';
import { loadConfigFile, resolveConfig } from '../../src/config/load-config.js';
import { model, parallel, pipeline, service, serviceRef, threshold } from '../../src/services/builders.js';
import type { ModelCall } from '../../src/services/run-context.js';
import { ServiceRepository } from '../../src/services/service-repository.js';

const MODELS = [
  { name: 'a', path: 'a.onnx' },
  { name: 'b', path: 'b.onnx' },
];


describe('services config', () => {
  it('lists every unknown model and service reference at once', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        { name: 's1', graph: { type: 'parallel', branches: { x: { type: 'model', model: 'nope' }, y: { type: 'model', model: 'a' } } } },
        { name: 's2', graph: { type: 'pipeline', steps: [{ type: 'model', model: 'missing' }, { type: 'service', service: 'ghost' }] } },
      ],
    });
    expect(message).toContain('services.0.graph.branches.x.model: unknown model "nope"');
    expect(message).toContain('services.1.graph.steps.0.model: unknown model "missing"');
    expect(message).toContain('services.1.graph.steps.1.service: unknown service "ghost"');
  });

  it('refuses services that reach themselves', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        service('loop-a', pipeline([model('a'), serviceRef('loop-b')])),
        service('loop-b', parallel({ back: serviceRef('loop-a') })),
        service('self', serviceRef('self')),
      ],
    });
    expect(message).toContain('services form a cycle: loop-a -> loop-b -> loop-a');
    expect(message).toContain('services form a cycle: self -> self');
  });

  it('names unknown node types and fields, duplicates and empty fan-outs', () => {
    const message = problemsOf({
      models: MODELS,
      services: [
        { name: 'x', graph: { type: 'teleport', to: 'a' } },
        { name: 'y', graph: { type: 'model', model: 'a', colour: 'red' } },
        { name: 'z', graph: parallel({ off: model('a', { active: false }) }) },
        { name: 'z', graph: model('b') },
      ],
    });
    expect(message).toContain('services.0.graph.type: unknown node type "teleport"; use one of: model, pipeline, parallel, threshold, service');
    expect(message).toContain('services.1.graph');
    expect(message).toContain('colour');
    // Schema problems come first; the graph checks run once the shape is valid.
    const semantic = problemsOf({ models: MODELS, services: [{ name: 'z', graph: parallel({ off: model('a', { active: false }) }) }, { name: 'z', graph: model('b') }] });
    expect(semantic).toContain('every branch is switched off');
    expect(semantic).toContain('duplicate service name "z"');
  });

  it('takes thresholds and switches from the environment, quoted or not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mlp-services-'));
    const file = path.join(dir, 'mlpatterns.yaml');
    await writeFile(
      file,
      [
        'models: [{ name: a, path: a.onnx }]',
        'services:',
        '  - name: s',
        '    graph:',
        '      type: parallel',
        '      branches:',
        '        t1: { type: threshold, input: { type: model, model: a }, threshold: ${T1:-0.9}, column: 0 }',
        '        t2: { type: threshold, input: { type: model, model: a }, threshold: "${T2:-0.5}", active: ${ON:-true} }',
      ].join('\n'),
    );
    const config = await loadConfigFile(file, { T1: '0.25', ON: 'false' });
    const graph = config.services[0]?.graph;
    expect(graph).toMatchObject({ branches: { t1: { threshold: 0.25 }, t2: { threshold: 0.5, active: false } } });
  });

  it('the TypeScript builders give the same objects the YAML parses to', () => {
    const built = service('ovr', parallel({ s: threshold(model('a'), { threshold: 0.9, column: 0 }) }, { aggregate: 'all', timeoutMs: 50 }));
    const parsed = resolveConfig({
      models: MODELS,
      services: [
        {
          name: 'ovr',
          graph: { type: 'parallel', aggregate: 'all', timeoutMs: 50, branches: { s: { type: 'threshold', input: { type: 'model', model: 'a' }, threshold: 0.9, column: 0 } } },
        },
      ],
    });
    expect(parsed.services[0]).toEqual(built);
    expect(resolveConfig({ models: MODELS, services: [built] }).services[0]).toEqual(built);
  });
});

describe('the graph runtime', () => {
  it('hands one request id to every branch, nested services included', async () => {
    const calls: ModelCall[] = [];
    const repo = new ServiceRepository([
      service('inner', pipeline([model('a'), model('b')])),
      service('outer', parallel({ one: model('a'), two: serviceRef('inner'), three: model('b', { signature: 'label' }) })),
    ]);
    const value = await repo.run('outer', [[1, 2]], {
      requestId: 'req-42',
      runModel: async (call) => {
        calls.push(call);
        return { rows: call.instances.map(() => call.model) };
      },
    });
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.requestId))).toEqual(new Set(['req-42']));
    expect(calls.find((c) => c.signature === 'label')?.model).toBe('b');
    expect(value.rows).toEqual([{ one: 'a', two: 'b', three: 'b' }]);
    expect(repo.modelsOf('outer')).toEqual(['a', 'b']);
  });
});
