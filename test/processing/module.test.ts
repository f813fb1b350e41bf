import { describe, expect, it } from 'vitest';
import { apply, f32, rejection, values } from './helpers.js';

describe('module', () => {
  it('runs a TypeScript step (compiled on load by tsx)', async () => {
    const ctx = await apply([{ type: 'module', path: 'steps/add-one.ts' }], { x: f32([2], [1, 2]) });
    expect(values(ctx.tensors.x)).toEqual([2, 3]);
  });

  it('runs a named export of a JavaScript step, chained with other steps', async () => {
    const ctx = await apply(
      [
        { type: 'module', path: 'steps/steps.mjs', export: 'double' },
        { type: 'module', path: './steps/add-one.ts' },
      ],
      { x: f32([2], [1, 2]) },
    );
    expect(values(ctx.tensors.x)).toEqual([3, 5]);
  });

  it('can add per-instance extras in post-processing', async () => {
    const ctx = await apply(
      [{ type: 'argmax-label' }, { type: 'module', path: 'steps/steps.mjs', export: 'note' }],
      { p: f32([2, 2], [0, 1, 1, 0]) },
      { stage: 'post' },
    );
    expect(ctx.extras.note).toEqual(['row 0', 'row 1']);
  });

  it('fails at load for a missing file, a missing export or a path outside the package', async () => {
    const missing = await rejection(apply([{ type: 'module', path: 'steps/nope.ts' }], {}));
    expect(missing.code).toBe('INVALID_MANIFEST');
    expect(missing.params.reason).toBe('preprocess[0] (module): steps/nope.ts: file not found');

    const noExport = await rejection(apply([{ type: 'module', path: 'steps/steps.mjs', export: 'notAFunction' }], {}));
    expect(noExport.params.reason).toBe('preprocess[0] (module): steps/steps.mjs has no function export "notAFunction"');

    const noDefault = await rejection(apply([{ type: 'module', path: 'steps/steps.mjs' }], {}));
    expect(noDefault.params.reason).toBe('preprocess[0] (module): steps/steps.mjs has no function export "default"');

    const outside = await rejection(apply([{ type: 'module', path: '../helpers.ts' }], {}));
    expect(outside.params.reason).toBe('preprocess[0] (module): path "../helpers.ts" leaves the package folder');

    const extension = await rejection(apply([{ type: 'module', path: 'steps/add-one.py' }], {}));
    expect(extension.params.reason).toMatch(/unsupported module extension "\.py"/);
  });

  it('reports a step that throws or returns nothing as INTERNAL naming the step', async () => {
    const thrown = await rejection(apply([{ type: 'module', path: 'steps/steps.mjs', export: 'fails' }], {}));
    expect(thrown.code).toBe('INTERNAL');
    expect(thrown.params.reason).toBe('preprocess[0] (module): step exploded');

    const empty = await rejection(apply([{ type: 'module', path: 'steps/steps.mjs', export: 'forgetsToReturn' }], {}));
    expect(empty.code).toBe('INTERNAL');
    expect(empty.params.reason).toBe(
      'preprocess[0] (module): steps/steps.mjs must return the step context ({ tensors, extras, ... })',
    );
  });
});
