import type { DType, TensorSpec } from '../tensor/tensor.js';
import { dtypeFromElemType, elemTypeFromDType, elemTypeName } from './elem-type.js';
import { int64ToNumber, type ITypeProto, type IValueInfoProto } from './proto.js';

/**
 * Graph inputs/outputs (ValueInfoProto) to TensorSpec and back.
 *
 * A dimension is either a number, or a string (a symbolic dim_param such as "N"),
 * or -1 (unknown). Symbolic and unknown both read back as -1: a TensorSpec only
 * says "dynamic", and the actual size comes with each request.
 */
export type DimSpec = number | string;

export function tensorType(dtype: DType, shape: readonly DimSpec[]): ITypeProto {
  return {
    tensorType: {
      elemType: elemTypeFromDType(dtype),
      shape: {
        dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : d < 0 ? {} : { dimValue: d })),
      },
    },
  };
}

export function tensorValueInfo(name: string, dtype: DType, shape: readonly DimSpec[]): IValueInfoProto {
  return { name, type: tensorType(dtype, shape) };
}

/** True when the value is a tensor (not a sequence, map or optional). */
export function isTensorValue(info: IValueInfoProto): boolean {
  return info.type?.tensorType !== undefined && info.type.tensorType !== null;
}

/**
 * The TensorSpec of a tensor value. Throws for element types we cannot carry.
 * A tensor without any shape information (unknown rank) reads as shape [].
 */
export function tensorSpecOf(info: IValueInfoProto): TensorSpec {
  const name = info.name ?? '';
  const tensor = info.type?.tensorType;
  if (!tensor) throw new Error(`value "${name}" is not a tensor`);
  const elemType = tensor.elemType ?? 0;
  const dtype = dtypeFromElemType(elemType);
  if (dtype === undefined) throw new Error(`value "${name}" has unsupported element type ${elemTypeName(elemType)}`);
  const shape = (tensor.shape?.dim ?? []).map((d) => {
    // dimValue is an int64: protobufjs leaves it null/undefined (or a Long zero) when absent.
    if (d.dimValue !== null && d.dimValue !== undefined && !d.dimParam) {
      const value = int64ToNumber(d.dimValue);
      return value > 0 ? value : -1;
    }
    return -1;
  });
  return { name, dtype, shape };
}
