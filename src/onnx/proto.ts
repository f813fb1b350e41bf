/**
 * The single import point for onnx-proto (protobufjs 6 generated code, CommonJS).
 * Everything else in the project imports `onnx` and the proto types from here, so a
 * later switch of protobuf library touches one file.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

export const onnx = onnxProto.onnx;

export type ModelProto = OnnxTypes.ModelProto;
export type GraphProto = OnnxTypes.GraphProto;
export type NodeProto = OnnxTypes.NodeProto;
export type TensorProto = OnnxTypes.TensorProto;
export type ValueInfoProto = OnnxTypes.ValueInfoProto;
export type AttributeProto = OnnxTypes.AttributeProto;
export type TypeProto = OnnxTypes.TypeProto;
export type IModelProto = OnnxTypes.IModelProto;
export type IGraphProto = OnnxTypes.IGraphProto;
export type INodeProto = OnnxTypes.INodeProto;
export type ITensorProto = OnnxTypes.ITensorProto;
export type IValueInfoProto = OnnxTypes.IValueInfoProto;
export type IAttributeProto = OnnxTypes.IAttributeProto;
export type ITypeProto = OnnxTypes.ITypeProto;
export type IOperatorSetIdProto = OnnxTypes.IOperatorSetIdProto;

/** ONNX element types (TensorProto.DataType) by name. */
export const ElemType = onnxProto.onnx.TensorProto.DataType;
/** Attribute kinds (AttributeProto.AttributeType) by name. */
export const AttributeType = onnxProto.onnx.AttributeProto.AttributeType;

/** The custom-operator domain of the classical ML operators (Scaler, ZipMap, TreeEnsemble*, SVM*). */
export const ML_DOMAIN = 'ai.onnx.ml';

/**
 * protobufjs decodes int64 fields as `Long` objects (the `long` package is installed)
 * but accepts plain numbers when encoding. The generated typings name `Long` without
 * importing it, so TypeScript sees those fields as `any`: this takes `unknown` and
 * narrows every form to `number`. Every int64 we read (dims, opset versions,
 * attribute ints) fits in a double.
 */
export function int64ToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value) {
    const toNumber = value.toNumber;
    if (typeof toNumber === 'function') return Number(toNumber.call(value));
  }
  return 0;
}

/** Decodes a ModelProto; protobufjs throws on malformed wire data. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
