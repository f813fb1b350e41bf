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
