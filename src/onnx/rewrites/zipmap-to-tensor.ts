import { readInts, readStrings } from '../attributes.js';
import { consumersOf, isMlOp } from '../graph-queries.js';
import type { INodeProto } from '../proto.js';
import { tensorType } from '../value-info.js';
import type { GraphRewrite } from './graph-rewrite.js';

/**
 * skl2onnx ends classifiers with ZipMap, which turns the [N, C] probability tensor
 * into a sequence of {label: probability} maps. onnxruntime-node cannot return
 * non-tensor values ("Non tensor type is temporarily not supported"), so the
 * probabilities would be unreachable. The map carries nothing the tensor does not
 * (its keys are the classifier's class labels, in column order), so the ZipMap
 * becomes an Identity and the graph output keeps its name with a tensor type.
 *
 * Only ZipMaps that feed a graph output and nothing else are rewritten: an
 * internal consumer would expect the map type.
 */
export const zipMapToTensor: GraphRewrite = (model, names) => {
  const graph = model.graph;
  const nodes = graph?.node;
  if (!graph || !nodes) return [];
  const changes: string[] = [];
  nodes.forEach((node, index) => {
    if (!isMlOp(node, 'ZipMap')) return;
    const input = node.input?.[0];
    const output = node.output?.[0];
    const graphOutput = graph.output?.find((o) => o.name === output);
    if (!input || !output || !graphOutput || consumersOf(graph, output).length > 0) return;

    const classCount = readInts(node, 'classlabels_int64s').length || readStrings(node, 'classlabels_strings').length;
    const identity: INodeProto = {
      name: names.next(`${node.name || 'ZipMap'}_as_tensor`),
      opType: 'Identity',
      input: [input],
      output: [output],
    };
    nodes[index] = identity;
    graphOutput.type = tensorType('float32', [-1, classCount > 0 ? classCount : -1]);
    // A stale value_info entry would still declare the map type and fail type checks.
    graph.valueInfo = (graph.valueInfo ?? []).filter((v) => v.name !== output);
    changes.push(
      `ZipMap ${JSON.stringify(node.name ?? '')}: output "${output}" is now the float32 [N, ${classCount}] probability tensor`,
    );
  });
  return changes;
};
