import { intAttr, readFloats } from '../attributes.js';
import { consumersOf, isGraphOutput, isMlOp, opsetVersion } from '../graph-queries.js';
import { doubleTensor } from '../initializers.js';
import { ElemType, type INodeProto } from '../proto.js';
import type { GraphRewrite } from './graph-rewrite.js';

/** Tree ensembles accept float64 input and compare it with their thresholds as float64. */
const TREE_ENSEMBLES = ['TreeEnsembleClassifier', 'TreeEnsembleRegressor'];

/** Sub and Mul broadcast a [F] vector over [N, F] from opset 7 on. */
const MIN_DEFAULT_OPSET = 7;

/**
 * scikit-learn's StandardScaler computes in float64, onnxruntime's Scaler in
 * float32. A tree compares the scaled value with a threshold learnt from float64
 * values, so rows that sit on a threshold take the other branch and the
 * probabilities move by a whole tree vote (iris_rf: 0.01 on 6 of 150 rows).
 *
 * When a Scaler feeds only tree ensembles, it is replaced by
 * Cast(DOUBLE) -> Sub(offset) -> Mul(scale) in float64 and the tree ensembles read
 * the double tensor directly. Any other consumer (SVMs, linear models) keeps the
 * float32 Scaler: their outputs are continuous in the input, so float32 is already
 * within 1e-6, and onnxruntime has no float64 kernel for some of them (SVMRegressor).
 */
export const scalerToDouble: GraphRewrite = (model, names) => {
  const graph = model.graph;
  const nodes = graph?.node;
  if (!graph || !nodes) return [];
  const opset = opsetVersion(model.opsetImport ?? [], '');
  if (opset === undefined || opset < MIN_DEFAULT_OPSET) return [];

  const changes: string[] = [];
  const rewritten: INodeProto[] = [];
  for (const node of nodes) {
    const replacement = isMlOp(node, 'Scaler') ? replaceScaler(node) : undefined;
    rewritten.push(...(replacement ?? [node]));
  }
  graph.node = rewritten;
  return changes;

  function replaceScaler(scaler: INodeProto): INodeProto[] | undefined {
    const input = scaler.input?.[0];
    const output = scaler.output?.[0];
    if (!graph || !input || !output || isGraphOutput(graph, output)) return undefined;
    const consumers = consumersOf(graph, output);
    if (consumers.length === 0 || !consumers.every((c) => TREE_ENSEMBLES.some((op) => isMlOp(c, op)))) return undefined;
    const offset = readFloats(scaler, 'offset');
    const scale = readFloats(scaler, 'scale');
    if (offset.length === 0 || scale.length === 0) return undefined;

    const base = scaler.name || 'Scaler';
    const offsetName = names.next(`${base}_offset_f64`);
    const scaleName = names.next(`${base}_scale_f64`);
    const asDouble = names.next(`${base}_input_f64`);
    const centered = names.next(`${base}_centered_f64`);
    const scaled = names.next(`${base}_output_f64`);
    // float32 attribute values widen to float64 exactly; only the arithmetic changes.
    graph.initializer = [
      ...(graph.initializer ?? []),
      doubleTensor(offsetName, offset, [offset.length]),
      doubleTensor(scaleName, scale, [scale.length]),
    ];
    for (const consumer of consumers) {
      consumer.input = (consumer.input ?? []).map((name) => (name === output ? scaled : name));
    }
    graph.valueInfo = (graph.valueInfo ?? []).filter((v) => v.name !== output);
    changes.push(
      `Scaler ${JSON.stringify(scaler.name ?? '')}: computed in float64 (Cast, Sub, Mul) for ${consumers
        .map((c) => c.opType ?? '')
        .join(', ')}`,
    );
    return [
      { name: names.next(`${base}_cast_f64`), opType: 'Cast', input: [input], output: [asDouble], attribute: [intAttr('to', ElemType.DOUBLE)] },
      { name: names.next(`${base}_sub_f64`), opType: 'Sub', input: [asDouble, offsetName], output: [centered] },
      { name: names.next(`${base}_mul_f64`), opType: 'Mul', input: [centered, scaleName], output: [scaled] },
    ];
  }
};
