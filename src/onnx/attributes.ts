import { AttributeType, int64ToNumber, type IAttributeProto, type INodeProto } from './proto.js';

/**
 * Reading and building node attributes. ONNX keeps every attribute kind in its own
 * field, so each reader names the kind it expects; builders set `type` explicitly
 * because an integer-valued float (alpha = 1) would otherwise be ambiguous.
 */

function find(node: INodeProto, name: string): IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function readInts(node: INodeProto, name: string): number[] {
  return (find(node, name)?.ints ?? []).map(int64ToNumber);
}

export function readFloats(node: INodeProto, name: string): number[] {
  return [...(find(node, name)?.floats ?? [])];
}

const utf8 = new TextDecoder();

export function readStrings(node: INodeProto, name: string): string[] {
  return (find(node, name)?.strings ?? []).map((s) => utf8.decode(s));
}

export function intAttr(name: string, value: number): IAttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function floatAttr(name: string, value: number): IAttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intsAttr(name: string, values: ArrayLike<number>): IAttributeProto {
  return { name, type: AttributeType.INTS, ints: Array.from(values) };
}

/** Floats are stored as float32 by ONNX: round through Float32Array so the proto holds the served values. */
export function floatsAttr(name: string, values: ArrayLike<number>): IAttributeProto {
  return { name, type: AttributeType.FLOATS, floats: Array.from(Float32Array.from(values)) };
}

const utf8Encoder = new TextEncoder();

export function stringAttr(name: string, value: string): IAttributeProto {
  return { name, type: AttributeType.STRING, s: utf8Encoder.encode(value) };
}

export function stringsAttr(name: string, values: readonly string[]): IAttributeProto {
  return { name, type: AttributeType.STRINGS, strings: values.map((v) => utf8Encoder.encode(v)) };
}
