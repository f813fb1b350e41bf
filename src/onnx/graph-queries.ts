import { int64ToNumber, ML_DOMAIN, type IGraphProto, type INodeProto, type IOperatorSetIdProto } from './proto.js';

/** Small read-only queries over a graph, shared by the rewrites and the inspector. */

/** Nodes that read `value` as one of their inputs. */
export function consumersOf(graph: IGraphProto, value: string): INodeProto[] {
  return (graph.node ?? []).filter((n) => (n.input ?? []).includes(value));
}

export function isGraphOutput(graph: IGraphProto, value: string): boolean {
  return (graph.output ?? []).some((o) => o.name === value);
}

/** True for an operator of the classical-ML domain (ai.onnx.ml) with this op type. */
export function isMlOp(node: INodeProto, opType: string): boolean {
  return node.domain === ML_DOMAIN && node.opType === opType;
}

/** Domain as used in opset imports and nodes: '' and 'ai.onnx' both mean the default domain. */
export function normalizeDomain(domain: string | null | undefined): string {
  return !domain || domain === 'ai.onnx' ? '' : domain;
}

/** The opset version the model imports for a domain ('' is the default ai.onnx domain). */
export function opsetVersion(imports: readonly IOperatorSetIdProto[], domain: string): number | undefined {
  const entry = imports.find((o) => normalizeDomain(o.domain) === normalizeDomain(domain));
  return entry === undefined ? undefined : int64ToNumber(entry.version);
}
