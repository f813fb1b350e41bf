import { ElemType, type ITensorProto } from './proto.js';

/**
 * Constant tensors (graph initializers). Values are written to the typed repeated
 * fields (float_data, double_data, int64_data) rather than raw_data: protobufjs
 * encodes them packed and little-endian on every platform, so the file is
 * byte-identical wherever it is built.
 */

export function floatTensor(name: string, values: ArrayLike<number>, dims: readonly number[]): ITensorProto {
  checkLength(name, values.length, dims);
  // Round through Float32Array so the proto holds exactly the float32 values served.
  return { name, dataType: ElemType.FLOAT, dims: [...dims], floatData: Array.from(Float32Array.from(values)) };
}

export function doubleTensor(name: string, values: ArrayLike<number>, dims: readonly number[]): ITensorProto {
  checkLength(name, values.length, dims);
  return { name, dataType: ElemType.DOUBLE, dims: [...dims], doubleData: Array.from(values) };
}

export function int64Tensor(name: string, values: ArrayLike<number>, dims: readonly number[]): ITensorProto {
  checkLength(name, values.length, dims);
  return { name, dataType: ElemType.INT64, dims: [...dims], int64Data: Array.from(values) };
}

function checkLength(name: string, length: number, dims: readonly number[]): void {
  const expected = dims.reduce((n, d) => n * d, 1);
  if (length !== expected) {
    throw new Error(`initializer ${name}: ${length} values do not fill dims [${dims.join(', ')}]`);
  }
}
