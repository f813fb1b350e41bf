import type { DType } from '../tensor/tensor.js';
import { ElemType } from './proto.js';

/**
 * ONNX element types (TensorProto.DataType) to our dtypes and back. Types we
 * cannot carry in a flat typed array (complex, bfloat16, 4-bit) have no entry.
 */
const DTYPE_BY_ELEM_TYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [ElemType.FLOAT, 'float32'],
  [ElemType.DOUBLE, 'float64'],
  [ElemType.FLOAT16, 'float16'],
  [ElemType.INT8, 'int8'],
  [ElemType.INT16, 'int16'],
  [ElemType.INT32, 'int32'],
  [ElemType.INT64, 'int64'],
  [ElemType.UINT8, 'uint8'],
  [ElemType.UINT16, 'uint16'],
  [ElemType.UINT32, 'uint32'],
  [ElemType.UINT64, 'uint64'],
  [ElemType.BOOL, 'bool'],
  [ElemType.STRING, 'string'],
]);

const ELEM_TYPE_BY_DTYPE: ReadonlyMap<DType, number> = new Map(
  [...DTYPE_BY_ELEM_TYPE].map(([elemType, dtype]) => [dtype, elemType]),
);

export function dtypeFromElemType(elemType: number): DType | undefined {
  return DTYPE_BY_ELEM_TYPE.get(elemType);
}

export function elemTypeFromDType(dtype: DType): number {
  const elemType = ELEM_TYPE_BY_DTYPE.get(dtype);
  // Every DType has an entry above; the check only satisfies the type system.
  if (elemType === undefined) throw new Error(`no ONNX element type for dtype ${dtype}`);
  return elemType;
}

/** The enum's own name (FLOAT, BFLOAT16, ...) for error messages. */
export function elemTypeName(elemType: number): string {
  return (ElemType as unknown as Record<number, string | undefined>)[elemType] ?? `#${elemType}`;
}
