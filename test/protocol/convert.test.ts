import { describe, it, expect } from 'vitest';
import type { DType, Tensor } from '../../src/tensor/tensor.js';
import { fromJsonData, toFlatJson, toJsonData } from '../../src/protocol/convert.js';
import { expectMlError } from './expect-ml-error.js';

describe('fromJsonData', () => {
  it('reads a flat array into a preallocated typed array', () => {
    const { data, shape } = fromJsonData([1.5, 2, -3], 'float32', 'x');
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data as Float32Array)).toEqual([1.5, 2, -3]);
    expect(shape).toEqual([3]);
  });

  it('infers the shape from nesting', () => {
    const { data, shape } = fromJsonData([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], 'int32', 'x');
    expect(shape).toEqual([2, 3, 2]);
    expect(Array.from(data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads scalars and empty arrays', () => {
    expect(fromJsonData(7, 'float64', 'x')).toEqual({ data: new Float64Array([7]), shape: [] });
    expect(fromJsonData([], 'float32', 'x')).toEqual({ data: new Float32Array(0), shape: [0] });
    expect(fromJsonData([[], []], 'float32', 'x')).toEqual({ data: new Float32Array(0), shape: [2, 0] });
  });

  it('rejects non-numbers where numbers are expected, naming the element', () => {
    expectMlError(
      () => fromJsonData([1, 2, 3, '4'], 'float32', 'x'),
      'INVALID_DTYPE',
      'Input "x": expected numbers, got string at element 3',
    );
    expectMlError(() => fromJsonData([null], 'float64', 'x'), 'INVALID_DTYPE', 'got null at element 0');
    expectMlError(() => fromJsonData([1, true], 'int32', 'x'), 'INVALID_DTYPE', 'got boolean at element 1');
    expectMlError(() => fromJsonData([{}], 'uint8', 'x'), 'INVALID_DTYPE', 'got object at element 0');
    expectMlError(() => fromJsonData([[1, 2], [3, 'a']], 'float32', 'x'), 'INVALID_DTYPE', 'at element 3');
  });

  it('rejects non-finite numbers with the element index', () => {
    expectMlError(
      () => fromJsonData([0, Number.NaN], 'float32', 'x'),
      'NON_FINITE_NUMBER',
      'Input "x" contains a non-finite number (NaN or Infinity) at element 1',
    );
    expectMlError(() => fromJsonData([Infinity], 'float64', 'x'), 'NON_FINITE_NUMBER', 'at element 0');
    expectMlError(() => fromJsonData([1, -Infinity], 'int32', 'x'), 'NON_FINITE_NUMBER', 'at element 1');
    expectMlError(() => fromJsonData([Number.NaN], 'int64', 'x'), 'NON_FINITE_NUMBER', 'at element 0');
    expectMlError(() => fromJsonData([Infinity], 'float16', 'x'), 'NON_FINITE_NUMBER', 'at element 0');
  });

  it('rejects values that overflow float32 or float16 to Infinity as non-finite', () => {
    expectMlError(() => fromJsonData([1, 1e39], 'float32', 'x'), 'NON_FINITE_NUMBER', 'at element 1');
    expectMlError(() => fromJsonData([-1e39], 'float32', 'x'), 'NON_FINITE_NUMBER', 'at element 0');
    expect(Array.from(fromJsonData([3.4028234663852886e38], 'float32', 'x').data as Float32Array)).toEqual([3.4028234663852886e38]);
    expectMlError(() => fromJsonData([70000], 'float16', 'x'), 'NON_FINITE_NUMBER', 'at element 0');
    expect(fromJsonData([65504], 'float16', 'x').data).toEqual(new Uint16Array([0x7bff]));
  });

  it('checks integers and their range', () => {
    expectMlError(() => fromJsonData([1, 1.5], 'int32', 'x'), 'INVALID_DTYPE', 'expected integers for int32, got 1.5 at element 1');
    expectMlError(() => fromJsonData([128], 'int8', 'x'), 'INVALID_DTYPE', 'value 128 at element 0 is out of range for int8 [-128, 127]');
    expectMlError(() => fromJsonData([-1], 'uint8', 'x'), 'INVALID_DTYPE', 'out of range for uint8 [0, 255]');
    expectMlError(() => fromJsonData([65536], 'uint16', 'x'), 'INVALID_DTYPE', 'out of range for uint16');
    expectMlError(() => fromJsonData([2 ** 31], 'int32', 'x'), 'INVALID_DTYPE', 'out of range for int32');
    expectMlError(() => fromJsonData([-32769], 'int16', 'x'), 'INVALID_DTYPE', 'out of range for int16');
    expectMlError(() => fromJsonData([2 ** 32], 'uint32', 'x'), 'INVALID_DTYPE', 'out of range for uint32');
    expect(Array.from(fromJsonData([-128, 127], 'int8', 'x').data as Int8Array)).toEqual([-128, 127]);
    expect(Array.from(fromJsonData([4294967295], 'uint32', 'x').data as Uint32Array)).toEqual([4294967295]);
  });

  it('reads int64 from safe numbers and numeric strings', () => {
    const { data } = fromJsonData([1, -2, '9007199254740993', '-9223372036854775808'], 'int64', 'x');
    expect(data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(data as BigInt64Array)).toEqual([1n, -2n, 9007199254740993n, -9223372036854775808n]);
    const u = fromJsonData(['18446744073709551615', 0], 'uint64', 'x').data;
    expect(Array.from(u as BigUint64Array)).toEqual([18446744073709551615n, 0n]);
  });

  it('rejects int64 values that are unsafe, fractional, malformed or out of range', () => {
    expectMlError(() => fromJsonData([2 ** 60], 'int64', 'x'), 'INVALID_DTYPE', 'beyond ±2^53');
    expectMlError(() => fromJsonData([0.5], 'int64', 'x'), 'INVALID_DTYPE', 'expected integers for int64, got 0.5');
    expectMlError(() => fromJsonData(['12a'], 'int64', 'x'), 'INVALID_DTYPE', 'expected an integer string for int64, got "12a"');
    expectMlError(() => fromJsonData(['9223372036854775808'], 'int64', 'x'), 'INVALID_DTYPE', 'out of range for int64');
    expectMlError(() => fromJsonData([-1], 'uint64', 'x'), 'INVALID_DTYPE', 'out of range for uint64');
    expectMlError(() => fromJsonData(['-1'], 'uint64', 'x'), 'INVALID_DTYPE', 'out of range for uint64');
    expectMlError(() => fromJsonData([true], 'int64', 'x'), 'INVALID_DTYPE', 'expected integers (numbers or numeric strings), got boolean');
  });

  it('reads booleans from true/false and 0/1 only', () => {
    const { data } = fromJsonData([true, false, 1, 0], 'bool', 'x');
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Array.from(data as Uint8Array)).toEqual([1, 0, 1, 0]);
    expectMlError(() => fromJsonData([true, 2], 'bool', 'x'), 'INVALID_DTYPE', 'expected booleans (true/false or 0/1), got number at element 1');
    expectMlError(() => fromJsonData(['true'], 'bool', 'x'), 'INVALID_DTYPE', 'got string at element 0');
  });

  it('reads strings for BYTES and rejects other values', () => {
    expect(fromJsonData([['a', 'b'], ['c', 'd']], 'string', 'x')).toEqual({ data: ['a', 'b', 'c', 'd'], shape: [2, 2] });
    expectMlError(() => fromJsonData(['a', 1], 'string', 'x'), 'INVALID_DTYPE', 'expected strings, got number at element 1');
  });

  it('converts float16 input to half-precision bits', () => {
    const { data } = fromJsonData([1, -2, 0.5], 'float16', 'x');
    expect(data).toBeInstanceOf(Uint16Array);
    expect(Array.from(data as Uint16Array)).toEqual([0x3c00, 0xc000, 0x3800]);
  });

  it('rejects ragged nesting as INVALID_SHAPE', () => {
    expectMlError(
      () => fromJsonData([[1, 2, 3], [4, 5]], 'float32', 'x'),
      'INVALID_SHAPE',
      'data[1] has 2 elements, expected 3',
    );
    expectMlError(() => fromJsonData([[1, 2], 3], 'float32', 'x'), 'INVALID_SHAPE', 'data[1] is a number, expected an array of 2');
    expectMlError(() => fromJsonData([1, [2]], 'float32', 'x'), 'INVALID_SHAPE', 'data[1] is an array, expected a single value');
    expectMlError(() => fromJsonData([[[1], [2]], [[3], [4, 5]]], 'int32', 'x'), 'INVALID_SHAPE', 'data[1][1] has 2 elements, expected 1');
    expectMlError(() => fromJsonData([['a'], 'b'], 'string', 'x'), 'INVALID_SHAPE', 'data[1] is a string');
  });

  it('rejects absurdly deep nesting instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expectMlError(() => fromJsonData(deep, 'float32', 'x'), 'INVALID_SHAPE', 'nested deeper than 32 levels');
  });

  it('never allocates more than the data holds for a ragged first row', () => {
    // The first row claims 1e6 columns; the other rows are empty, so the nesting check fails first.
    const rows: unknown[] = [new Array<number>(1_000_000).fill(0)];
    for (let i = 0; i < 10_000; i++) rows.push([]);
    expectMlError(() => fromJsonData(rows, 'float64', 'x'), 'INVALID_SHAPE', 'data[1] has 0 elements, expected 1000000');
  });
});

describe('toJsonData / toFlatJson', () => {
  it('nests by shape and flattens row-major', () => {
    const t: Tensor = { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    expect(toJsonData(t)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(toFlatJson(t)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns a bare value for scalars and empty arrays for zero-size dims', () => {
    expect(toJsonData({ dtype: 'int32', shape: [], data: new Int32Array([5]) })).toBe(5);
    expect(toJsonData({ dtype: 'int32', shape: [2, 0], data: new Int32Array(0) })).toEqual([[], []]);
    expect(toJsonData({ dtype: 'int32', shape: [0, 2], data: new Int32Array(0) })).toEqual([]);
  });

  it('turns int64 into numbers when safe and strings otherwise', () => {
    const t: Tensor = { dtype: 'int64', shape: [3], data: new BigInt64Array([1n, -(2n ** 53n) + 1n, 2n ** 53n]) };
    expect(toFlatJson(t)).toEqual([1, -(2 ** 53) + 1, '9007199254740992']);
    const u: Tensor = { dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) };
    expect(toFlatJson(u)).toEqual(['18446744073709551615']);
  });

  it('turns bool into booleans and float16 bits into numbers', () => {
    expect(toJsonData({ dtype: 'bool', shape: [2, 1], data: new Uint8Array([1, 0]) })).toEqual([[true], [false]]);
    expect(toFlatJson({ dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0x3555]) })).toEqual([1, 0.333251953125]);
  });

  it('round-trips every dtype through JSON text', () => {
    const samples: Record<DType, unknown[]> = {
      float32: [[0.5, -1.25], [3, 1e-3]],
      float64: [[0.1, -1e300], [Math.PI, 0]],
      float16: [[0.5, -1.25], [65504, 2 ** -24]],
      int8: [[-128, 127], [0, 1]],
      int16: [[-32768, 32767], [0, 1]],
      int32: [[-2147483648, 2147483647], [0, 1]],
      int64: [[-5, '9223372036854775807'], ['-9223372036854775808', 0]],
      uint8: [[0, 255], [1, 2]],
      uint16: [[0, 65535], [1, 2]],
      uint32: [[0, 4294967295], [1, 2]],
      uint64: [[0, '18446744073709551615'], [1, 2]],
      bool: [[true, false], [false, true]],
      string: [['a', 'ü'], ['', '𝄞']],
    };
    for (const [dtype, values] of Object.entries(samples) as [DType, unknown[]][]) {
      const { data, shape } = fromJsonData(values, dtype, 'x');
      const tensor: Tensor = { dtype, shape, data };
      const json = JSON.parse(JSON.stringify(toJsonData(tensor))) as unknown;
      const back = fromJsonData(json, dtype, 'x');
      expect(back.shape, dtype).toEqual([2, 2]);
      expect(back.data, dtype).toEqual(data);
      if (dtype !== 'float32') expect(json, dtype).toEqual(values);
    }
  });
});
