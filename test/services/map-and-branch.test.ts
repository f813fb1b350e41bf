import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { condition, map, model, parallel, pipeline, service, serviceRef } from '../../src/services/builders.js';
import type { ModelCall, ModelRunner } from '../../src/services/run-context.js';
import type { ServiceEntry } from '../../src/services/schema.js';
import { ServiceRepository } from '../../src/services/service-repository.js';
import { problemsOf } from '../helpers/config-problems.js';

/**
 * Explicit output → input mapping (`map`) and a pipeline that branches per
 * instance on the previous step's result (`label` / `instance` rules), run on a
 * recording model runner so every model call can be checked.
 */
function recordingRunner(): { runModel: ModelRunner; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const runModel: ModelRunner = async (call) => {
    calls.push(call);
    const xs = call.instances as number[][];
    switch (call.model) {
      case 'classify': // probabilities of [small, big] and the label
        return { rows: xs.map((x) => ((x[0] ?? 0) > 10 ? [0.1, 0.9] : [0.8, 0.2])), labels: xs.map((x) => ((x[0] ?? 0) > 10 ? 'big' : 'small')) };
      case 'double':
        return { rows: xs.map((x) => x.map((v) => v * 2)) };
      case 'sum':
        return { rows: xs.map((x) => [x.reduce((a, b) => a + b, 0)]), labels: xs.map(() => 'summed') };
      default:
        throw new Error(`unknown model ${call.model}`);
    }
  };
  return { runModel, calls };
}

const MODELS = ['classify', 'double', 'sum'].map((name) => ({ name, path: `/models/${name}.onnx` }));

function repo(services: ServiceEntry[]): ServiceRepository {
  return new ServiceRepository(resolveConfig({ models: MODELS, services }).services);
}

const INSTANCES = [
  [1, 2],
  [20, 3],
  [5, 5],
  [30, 1],
];

describe('map: explicit output → input mapping', () => {
  it('feeds the next step the service input, the previous labels, fields or columns, as configured', async () => {
    const services = repo([
      service('input', pipeline([model('classify'), map({ from: 'input' }), model('double')])),
      service('labels', pipeline([model('classify'), map({ from: 'labels' })])),
      service('columns', pipeline([model('classify'), map({ columns: [1] })])),
      service('stack', pipeline([model('classify'), map({ concat: ['input', 'rows', { from: 'labels' }] })])),
      service('field', pipeline([parallel({ a: model('double'), b: model('sum') }), map({ field: 'b.0' })])),
      service('identity', pipeline([model('classify'), map()])),
    ]);
    const { runModel, calls } = recordingRunner();
    const run = (name: string) => services.run(name, INSTANCES, { requestId: 'r', runModel });

    expect((await run('input')).rows).toEqual(INSTANCES.map((x) => x.map((v) => v * 2)));
    expect(calls.find((c) => c.model === 'double')?.instances).toEqual(INSTANCES); // the features, not the probabilities
    expect((await run('labels')).rows).toEqual(['small', 'big', 'small', 'big']);
    expect((await run('columns')).rows).toEqual([[0.2], [0.9], [0.2], [0.9]]);
    expect((await run('stack')).rows[1]).toEqual([20, 3, 0.1, 0.9, 'big']);
    expect((await run('field')).rows).toEqual([3, 23, 10, 31]);
    const identity = await run('identity');
    expect(identity.labels).toEqual(['small', 'big', 'small', 'big']);
  });

  it('names what is missing instead of passing a wrong payload on', async () => {
    const services = repo([
      service('no-labels', pipeline([model('double'), map({ from: 'labels' })])),
      service('no-field', pipeline([model('double'), map({ field: 'score' })])),
      service('no-column', pipeline([model('classify'), map({ columns: [5] })])),
    ]);
    const { runModel } = recordingRunner();
    const run = (name: string) => services.run(name, INSTANCES, { requestId: 'r', runModel });
    await expect(run('no-labels')).rejects.toThrow('the previous step gave no labels');
    await expect(run('no-field')).rejects.toThrow('no field "score"');
    await expect(run('no-column')).rejects.toThrow('column 5 is out of range');
  });

  it('reads `input` as the instances of the service it is in, also when referenced', async () => {
    const services = repo([
      service('inner', pipeline([model('double'), map({ concat: ['input', 'rows'] })])),
      service('outer', pipeline([model('double'), serviceRef('inner')])),
    ]);
    const { runModel } = recordingRunner();
    const value = await services.run('outer', [[1, 2]], { requestId: 'r', runModel });
    expect(value.rows).toEqual([[2, 4, 4, 8]]); // inner's input is outer's first step's rows
  });

  it('refuses concat mixed with from/field/columns at start-up', () => {
    const problems = problemsOf({ models: MODELS, services: [service('bad', map({ concat: ['rows'], from: 'input' }))] });
    expect(problems).toContain('give either "concat" or from/field/columns, not both');
  });
});

describe('condition per instance: a pipeline branching on the previous result', () => {
  const services = repo([
    service(
      'branch',
      pipeline([
        model('classify'),
        condition([{ when: { label: 'big' }, then: pipeline([map({ from: 'input' }), model('double')]) }], map()),
      ]),
    ),
    service('by-value', pipeline([condition([{ when: { instance: { '1': 5 } }, then: model('sum') }], model('double'))])),
    service('nested', pipeline([model('classify'), condition([{ when: { label: ['big'] }, then: condition([{ when: { instance: { '1': 0.9 }, label: 'big' }, then: model('sum') }], map({ from: 'input' })) }], map())])),
  ]);

  it('sends only the instances with the label to the route, and merges the answers back in order', async () => {
    const { runModel, calls } = recordingRunner();
    const value = await services.run('branch', INSTANCES, { requestId: 'r', runModel });
    expect(calls.filter((c) => c.model === 'double').map((c) => c.instances)).toEqual([[[20, 3], [30, 1]]]);
    expect(value.rows).toEqual([[0.8, 0.2], [40, 6], [0.8, 0.2], [60, 2]]);
    expect(value.extras?.['routes']).toEqual(['default', 'rules[0]', 'default', 'rules[0]']);
    // Only the pass-through instances have labels, so the answer has none rather than holes.
    expect(value.labels).toBeUndefined();
  });

  it('matches values inside each instance, and nests', async () => {
    const { runModel } = recordingRunner();
    const byValue = await services.run('by-value', INSTANCES, { requestId: 'r', runModel });
    expect(byValue.rows).toEqual([[2, 4], [40, 6], [10], [60, 2]]);
    expect(byValue.extras?.['routes']).toEqual(['default', 'default', 'rules[0]', 'default']);
    const nested = await services.run('nested', INSTANCES, { requestId: 'r', runModel });
    // The inner condition sees the instances and labels narrowed to its route: both "big" rows, [0.1, 0.9].
    expect(nested.rows).toEqual([[0.8, 0.2], [1], [0.8, 0.2], [1]]);
    expect(nested.extras?.['routes']).toEqual(['default', 'rules[0]/rules[0]', 'default', 'rules[0]/rules[0]']);
  });

  it('routes nothing on labels when the previous step gave none', async () => {
    const none = repo([service('x', pipeline([model('double'), condition([{ when: { label: 'big' }, then: model('sum') }], map())]))]);
    const { runModel, calls } = recordingRunner();
    await none.run('x', INSTANCES, { requestId: 'r', runModel });
    expect(calls.map((c) => c.model)).toEqual(['double']);
  });
});
