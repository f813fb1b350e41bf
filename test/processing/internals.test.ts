import { describe, expect, it } from 'vitest';
import { forEachLimit } from '../../src/processing/concurrency.js';
import { imageBytes } from '../../src/processing/image/payload.js';
import { numericView, rowsOf } from '../../src/processing/tensors.js';
import { float16BitsToNumber } from '../../src/protocol/float16.js';

describe('float16 in processing', () => {
  it('decodes every half-precision bit pattern exactly as the protocol does (one decoder)', () => {
    const bits = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
    const decoded = numericView({ dtype: 'float16', shape: [bits.length], data: bits });
    const differ = bits.filter((b) => !Object.is(decoded[b], float16BitsToNumber(b)));
    expect(Array.from(differ)).toEqual([]);
    expect(decoded[0x3c00]).toBe(1);
    expect(decoded[0x0001]).toBe(2 ** -24); // smallest subnormal
    expect(decoded[0x7e00]).toBeNaN();
  });
});

describe('numericView', () => {
  it('reads typed arrays in place and converts 64-bit integers and float16', () => {
    const f = new Float32Array([1, 2]);
    expect(numericView({ dtype: 'float32', shape: [2], data: f })).toBe(f);
    expect(Array.from(numericView({ dtype: 'uint64', shape: [1], data: BigUint64Array.from([7n]) }))).toEqual([7]);
    expect(Array.from(numericView({ dtype: 'float16', shape: [1], data: Uint16Array.from([0x3c00]) }))).toEqual([1]);
    expect(() => numericView({ dtype: 'string', shape: [1], data: ['x'] })).toThrow(TypeError);
  });
});

describe('rowsOf', () => {
  it('treats the first dimension as the batch', () => {
    expect(rowsOf({ dtype: 'float32', shape: [2, 3, 4], data: new Float32Array(24) })).toEqual({ rows: 2, cols: 12 });
    expect(rowsOf({ dtype: 'float32', shape: [5], data: new Float32Array(5) })).toEqual({ rows: 5, cols: 1 });
    expect(rowsOf({ dtype: 'float32', shape: [], data: new Float32Array(1) })).toEqual({ rows: 1, cols: 1 });
  });
});

describe('imageBytes', () => {
  it('decodes base64 and base64 data URLs, and refuses anything else', () => {
    expect(imageBytes('aGk=')?.toString()).toBe('hi');
    expect(imageBytes('  aGk=\n')?.toString()).toBe('hi');
    expect(imageBytes('data:image/png;base64,aGk=')?.toString()).toBe('hi');
    expect(imageBytes('data:image/png,hi')).toBeUndefined();
    expect(imageBytes('data:image/png;base64')).toBeUndefined();
    expect(imageBytes('hello world!')).toBeUndefined();
    expect(imageBytes('')).toBeUndefined();
  });
});

describe('forEachLimit', () => {
  it('never has more than `limit` calls in flight and visits every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      seen.push(item);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops starting items after the first failure and rejects with it', async () => {
    const started: number[] = [];
    const run = forEachLimit([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((r) => setTimeout(r, 1));
      if (item === 1) throw new Error('bad 1');
    });
    await expect(run).rejects.toThrow('bad 1');
    expect(started.length).toBeLessThan(6);
  });

  it('handles an empty list', async () => {
    await expect(forEachLimit([], 4, () => Promise.reject(new Error('never')))).resolves.toBeUndefined();
  });
});
