import type { DType, TensorData } from './tensor.js';

/** Open Inference Protocol datatype names, in both directions. */
const OIP_BY_DTYPE: Record<DType, string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

const DTYPE_BY_OIP: Record<string, DType> = Object.fromEntries(
  Object.entries(OIP_BY_DTYPE).map(([dtype, oip]) => [oip, dtype as DType]),
);

export function toOipDatatype(dtype: DType): string {
  return OIP_BY_DTYPE[dtype];
}

export function fromOipDatatype(datatype: string): DType | undefined {
  return DTYPE_BY_OIP[datatype.toUpperCase()];
}

/** Bytes per element on the wire (binary tensor extension); undefined for variable-length BYTES. */
export function byteWidth(dtype: DType): number | undefined {
  switch (dtype) {
    case 'bool':
    case 'uint8':
    case 'int8':
      return 1;
    case 'uint16':
    case 'int16':
    case 'float16':
      return 2;
    case 'uint32':
    case 'int32':
    case 'float32':
      return 4;
    case 'uint64':
    case 'int64':
    case 'float64':
      return 8;
    case 'string':
      return undefined;
  }
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype.startsWith('int') || dtype.startsWith('uint');
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** Allocates a zeroed typed array of the right class for `dtype`. */
export function allocate(dtype: DType, length: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'float16':
    case 'uint16':
      return new Uint16Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'uint64':
      return new BigUint64Array(length);
    case 'string':
      return new Array<string>(length).fill('');
  }
}
