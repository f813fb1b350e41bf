import { describe, expect, it } from 'vitest';
import { buildSteps } from '../../src/processing/build.js';
import { runSteps } from '../../src/processing/run-steps.js';
import { createStepContext, type ProcessingStep } from '../../src/processing/step.js';
import { MlError } from '../../src/errors/ml-error.js';
import { f32, PACKAGE_DIR, rejection } from './helpers.js';

const pre = { packageDir: PACKAGE_DIR, stage: 'pre' } as const;
const post = { packageDir: PACKAGE_DIR, stage: 'post' } as const;

describe('buildSteps', () => {
  it('builds steps in manifest order, each labelled with its location', async () => {
    const steps = await buildSteps(
      [
        { type: 'standardize', mean: [0], std: [1] },
        { type: 'scale', min: [0], max: [1] },
      ],
      pre,
    );
    expect(steps.map((s) => [s.type, s.location])).toEqual([
      ['standardize', 'preprocess[0] (standardize)'],
      ['scale', 'preprocess[1] (scale)'],
    ]);
    expect(await buildSteps([], post)).toEqual([]);
  });

  it('rejects an unknown type, listing the known ones', async () => {
    const err = await rejection(buildSteps([{ type: 'normalise' }], pre));
    expect(err).toBeInstanceOf(MlError);
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.params.path).toBe(PACKAGE_DIR);
    expect(err.params.reason).toBe(
      'preprocess[0]: unknown step type "normalise" (known: standardize, scale, image, softmax, argmax-label, top-k, threshold, module)',
    );
  });

  it('names the entry and the option when options are invalid', async () => {
    const err = await rejection(buildSteps([{ type: 'softmax' }, { type: 'top-k', k: 0 }], post));
    expect(err.code).toBe('INVALID_MANIFEST');
    expect(err.params.reason).toMatch(/^postprocess\[1\] \(top-k\): k: /);
    expect(err.message).toContain(`Invalid model manifest ${PACKAGE_DIR}: postprocess[1] (top-k): k:`);
  });

  it('reports a missing required option', async () => {
    const err = await rejection(buildSteps([{ type: 'standardize', std: [1] }], pre));
    expect(err.params.reason).toMatch(/^preprocess\[0\] \(standardize\): mean: .*expected array/);
  });

  it('rejects unknown options so typos fail at load', async () => {
    const err = await rejection(buildSteps([{ type: 'standardize', mean: [0], stdev: [1] }], pre));
    expect(err.params.reason).toMatch(/^preprocess\[0\] \(standardize\): .*"stdev"/);
  });

  it('rejects steps in a stage they do not belong to', async () => {
    const err = await rejection(buildSteps([{ type: 'argmax-label' }], pre));
    expect(err.params.reason).toBe('preprocess[0] (argmax-label): only allowed in postprocess');
    const image = await rejection(buildSteps([{ type: 'image', input: 'a', output: 'b', width: 1, height: 1 }], post));
    expect(image.params.reason).toBe('postprocess[0] (image): only allowed in preprocess');
  });
});

describe('runSteps', () => {
  const step = (type: string, apply: ProcessingStep['apply']): ProcessingStep => ({
    type,
    location: `postprocess[0] (${type})`,
    apply,
  });

  it('applies steps in order, each to the previous result', async () => {
    const seen: string[] = [];
    const ctx = await runSteps(
      [
        step('a', (c) => (seen.push('a'), { ...c, extras: { ...c.extras, a: [1] } })),
        step('b', async (c) => (seen.push('b'), { ...c, predictedLabels: [String(c.extras.a?.[0])] })),
      ],
      createStepContext({ x: f32([1], [0]) }),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(ctx.predictedLabels).toEqual(['1']);
  });

  it('reports a non-MlError from a step as INTERNAL naming the step', async () => {
    const err = await rejection(
      runSteps(
        [
          step('bug', () => {
            throw new TypeError('oops');
          }),
        ],
        createStepContext({}),
      ),
    );
    expect(err.code).toBe('INTERNAL');
    expect(err.params.reason).toBe('postprocess[0] (bug): oops');
  });

  it('passes MlErrors through untouched', async () => {
    const original = new MlError('INVALID_REQUEST', { reason: 'no' });
    const err = await rejection(
      runSteps(
        [
          step('x', () => {
            throw original;
          }),
        ],
        createStepContext({}),
      ),
    );
    expect(err).toBe(original);
  });
});
