import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { MlError } from '../../errors/ml-error.js';
import { DTYPES, type DType, type Tensor, type TensorData } from '../../tensor/tensor.js';
import { OrtTensorClass, type OrtTensorLike } from './ort-tensor-class.js';

/**
 * Our tensors to onnxruntime's and back. Both sides keep flat row-major typed
 * arrays of the same classes, so conversion wraps the existing buffer: no copy.
 */

export function toOrtTensor(name: string, tensor: Tensor): OrtTensor {
  try {
    return new OrtTensorClass(tensor.dtype, tensor.data, tensor.shape);
  } catch (err) {
    // onnxruntime checks that the array class matches the dtype and the length the shape.
    throw new MlError('INVALID_DTYPE', { input: name, reason: (err as Error).message }, { cause: err });
  }
}

const KNOWN_DTYPES: ReadonlySet<string> = new Set(DTYPES);

/** Wraps the result's data, no copy: from an inline session, or as transferred from a worker. */
export function fromOrtTensor(name: string, value: OrtTensorLike): Tensor {
  if (!KNOWN_DTYPES.has(value.type)) {
    throw new MlError('INFERENCE_FAILED', { name, reason: `output has unsupported type ${value.type}` });
  }
  const dtype = value.type as DType;
  return { dtype, shape: [...value.dims], data: asTensorData(dtype, value.data) };
}

/**
 * Where the runtime provides Float16Array (Node 24+), onnxruntime hands float16
 * data out in one; our contract carries float16 as raw Uint16Array bits.
 */
function asTensorData(dtype: DType, data: OrtTensor.DataType): TensorData {
  if (dtype === 'float16' && !(data instanceof Uint16Array) && ArrayBuffer.isView(data)) {
    return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  }
  return data;
}
