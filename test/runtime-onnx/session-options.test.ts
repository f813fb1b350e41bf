import { describe, expect, it } from 'vitest';
import { sessionOptionsSchema } from '../../src/config/schema.js';
import { AUTO_WORKER_MIN_BYTES, resolveExecutor, toOrtSessionOptions } from '../../src/runtime/onnx/session-options.js';

describe('session options: executor and workerThreads', () => {
  it('default to auto (by model size) and one worker thread', () => {
    expect(sessionOptionsSchema.parse({})).toEqual({ executor: 'auto', workerThreads: 1 });
    expect(sessionOptionsSchema.parse({ executor: 'inline', intraOpNumThreads: 2 })).toEqual({
      executor: 'inline',
      workerThreads: 1,
      intraOpNumThreads: 2,
    });
  });

  it.each([{ executor: 'thread' }, { workerThreads: 0 }, { workerThreads: 1.5 }])('refuse %j', (options) => {
    expect(sessionOptionsSchema.safeParse(options).success).toBe(false);
  });

  it('auto picks worker threads for big models and inline for tiny ones', () => {
    expect(resolveExecutor('auto', AUTO_WORKER_MIN_BYTES)).toBe('worker');
    expect(resolveExecutor(undefined, AUTO_WORKER_MIN_BYTES - 1)).toBe('inline');
    expect(resolveExecutor('worker', 10)).toBe('worker');
    expect(resolveExecutor('inline', 10 * AUTO_WORKER_MIN_BYTES)).toBe('inline');
  });

  it("are ours: onnxruntime's options leave them out", () => {
    expect(toOrtSessionOptions({ executor: 'worker', workerThreads: 4, intraOpNumThreads: 1 })).toEqual({
      logSeverityLevel: 3,
      intraOpNumThreads: 1,
    });
  });
});
