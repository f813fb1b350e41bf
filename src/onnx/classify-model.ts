import { readInts, readStrings } from './attributes.js';
import { consumersOf, isGraphOutput, isMlOp } from './graph-queries.js';
import { ML_DOMAIN, type IGraphProto, type INodeProto } from './proto.js';

export type ModelKind = 'classifier' | 'regressor' | 'other';

export interface ModelRole {
  readonly kind: ModelKind;
  readonly classLabels?: string[];
  /** Graph output holding the [N, C] class probabilities. */
  readonly probabilityOutput?: string;
  /** Graph output holding the predicted class per row. */
  readonly labelOutput?: string;
}

/** Ops that pass a value through unchanged in meaning, between a classifier and the graph output. */
const PASS_THROUGH = new Set(['Identity', 'Cast', 'ZipMap', 'Normalizer', 'Reshape', 'Flatten', 'Squeeze']);

/** Metadata key under which graphs without an ML classifier node may list their class labels (JSON array). */
export const CLASS_LABELS_METADATA_KEY = 'class_labels';

/**
 * Works out whether a graph is a classifier and which outputs carry probabilities
 * and labels: from the ai.onnx.ml *Classifier node when there is one (scikit-learn,
 * XGBoost, LightGBM exports), otherwise from a Softmax / ArgMax pair reaching graph
 * outputs (neural networks, including the ones src/onnx/writer builds).
 *
 * @param tensorOutputs graph outputs that are tensors; only these can be served.
 */
export function classifyModel(
  graph: IGraphProto,
  tensorOutputs: ReadonlySet<string>,
  metadata: Readonly<Record<string, string>>,
): ModelRole {
  const nodes = graph.node ?? [];
  const traced = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : traceToOutput(graph, value, tensorOutputs);

  const mlClassifier = nodes.find((n) => n.domain === ML_DOMAIN && n.opType?.endsWith('Classifier'));
  if (mlClassifier) {
    return classifier(
      mlClassifierLabels(mlClassifier, nodes, metadata),
      traced(mlClassifier.output?.[1]),
      traced(mlClassifier.output?.[0]),
    );
  }
  if (nodes.some((n) => n.domain === ML_DOMAIN && n.opType?.endsWith('Regressor'))) return { kind: 'regressor' };

  const probabilityOutput = firstTraced(nodes, 'Softmax', traced);
  if (probabilityOutput === undefined) return { kind: 'other' };
  return classifier(metadataLabels(metadata), probabilityOutput, firstTraced(nodes, 'ArgMax', traced));
}

function firstTraced(
  nodes: readonly INodeProto[],
  opType: string,
  traced: (value: string | undefined) => string | undefined,
): string | undefined {
  for (const node of nodes) {
    if (node.opType !== opType || (node.domain ?? '') !== '') continue;
    const output = traced(node.output?.[0]);
    if (output !== undefined) return output;
  }
  return undefined;
}

/** Breadth-first from `value` through pass-through ops to the first tensor graph output. */
function traceToOutput(graph: IGraphProto, value: string, tensorOutputs: ReadonlySet<string>): string | undefined {
  const queue = [value];
  const seen = new Set<string>();
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    if (seen.has(current)) continue;
    seen.add(current);
    if (isGraphOutput(graph, current) && tensorOutputs.has(current)) return current;
    for (const consumer of consumersOf(graph, current)) {
      if (PASS_THROUGH.has(consumer.opType ?? '') && consumer.input?.[0] === current) queue.push(...(consumer.output ?? []));
    }
  }
  return undefined;
}

/**
 * The labels of a graph with an ai.onnx.ml classifier: the node's own, else ZipMap's, else the
 * metadata's. Integer labels that are just the column indexes 0..C−1 (what src/training's tree
 * ensembles write, the node having no other way to hold names) say less than `class_labels`
 * metadata naming the same number of classes, which then wins.
 */
function mlClassifierLabels(
  node: INodeProto,
  nodes: readonly INodeProto[],
  metadata: Readonly<Record<string, string>>,
): string[] | undefined {
  const named = metadataLabels(metadata);
  const own = classLabelsOf(node);
  if (own !== undefined) return named?.length === own.length && isColumnIndexes(integerLabelsOf(node)) ? named : own;
  return zipMapLabels(nodes) ?? named;
}

/** Tree ensembles and ZipMap name the integer labels classlabels_int64s, SVM and linear classifiers classlabels_ints. */
function integerLabelsOf(node: INodeProto): number[] {
  return [...readInts(node, 'classlabels_int64s'), ...readInts(node, 'classlabels_ints')];
}

function classLabelsOf(node: INodeProto): string[] | undefined {
  const ints = integerLabelsOf(node);
  if (ints.length > 0) return ints.map(String);
  const strings = readStrings(node, 'classlabels_strings');
  return strings.length > 0 ? strings : undefined;
}

function isColumnIndexes(labels: readonly number[]): boolean {
  return labels.length > 0 && labels.every((label, i) => label === i);
}

function zipMapLabels(nodes: readonly INodeProto[]): string[] | undefined {
  const zipMap = nodes.find((n) => isMlOp(n, 'ZipMap'));
  return zipMap ? classLabelsOf(zipMap) : undefined;
}

function metadataLabels(metadata: Readonly<Record<string, string>>): string[] | undefined {
  const raw = metadata[CLASS_LABELS_METADATA_KEY];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined; // Foreign metadata under the same key: ignore it rather than refuse the model.
  }
}

/** A classifier role without the fields that could not be found (so results compare and serialise cleanly). */
function classifier(
  classLabels: string[] | undefined,
  probabilityOutput: string | undefined,
  labelOutput: string | undefined,
): ModelRole {
  return {
    kind: 'classifier',
    ...(classLabels !== undefined && { classLabels }),
    ...(probabilityOutput !== undefined && { probabilityOutput }),
    ...(labelOutput !== undefined && { labelOutput }),
  };
}
