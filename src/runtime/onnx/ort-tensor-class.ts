import ort from 'onnxruntime-node';
import type { Tensor as OrtTensor } from 'onnxruntime-node';

/**
 * ort.Tensor's constructor overloads pair each type literal with its array class;
 * our tensors (and the worker's wire tensors) already guarantee that pairing,
 * which the overloads cannot see through a union, so we call the general form.
 */
export type GeneralTensorConstructor = new (type: OrtTensor.Type, data: OrtTensor.DataType, dims: readonly number[]) => OrtTensor;

export const OrtTensorClass = ort.Tensor as unknown as GeneralTensorConstructor;

/** What the serving function reads from a result tensor, wherever the session ran. */
export type OrtTensorLike = Pick<OrtTensor, 'type' | 'dims' | 'data'>;
