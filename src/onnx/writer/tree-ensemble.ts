import { floatsAttr, intAttr, intsAttr, stringAttr, stringsAttr } from '../attributes.js';
import { ML_DOMAIN, type IAttributeProto } from '../proto.js';
import type { GraphBuilder } from './graph-builder.js';

/**
 * One decision tree in flat arrays (node 0 is the root), as trainers hold them.
 * A split node sends a row to `left` when `x[feature] <= threshold` (ONNX BRANCH_LEQ, compared in
 * float32) and to `right` otherwise, NaN included (no missing-value tracking).
 */
export interface WrittenTree {
  /** Per node: the feature a split reads, or -1 for a leaf. */
  readonly feature: ArrayLike<number>;
  /** Per node: the split threshold (float32); ignored on leaves. */
  readonly threshold: ArrayLike<number>;
  /** Per node: child index when x <= threshold; ignored on leaves. */
  readonly left: ArrayLike<number>;
  /** Per node: child index otherwise; ignored on leaves. */
  readonly right: ArrayLike<number>;
  /** Targets (regression outputs or class columns) this tree's leaves add to. */
  readonly targets: readonly number[];
  /** Leaf outputs, [node * targets.length + k] adds to `targets[k]`; ignored on split nodes. */
  readonly values: ArrayLike<number>;
}

export interface TreeEnsembleOptions {
  /** Name of the regressor output, or of the classifier's probabilities. */
  readonly name?: string;
  /** Classifier only: name of the int64 label output. @default "label" */
  readonly labelName?: string;
}

/**
 * Appends an ai.onnx.ml TreeEnsembleRegressor: output float32 [N, targetCount], the sum over trees
 * of the leaf values each row reaches (aggregate SUM, no base values: fold them into the leaves).
 */
export function treeEnsembleRegressor(
  g: GraphBuilder,
  input: string,
  trees: readonly WrittenTree[],
  targetCount: number,
  options: TreeEnsembleOptions = {},
): string {
  const attributes = [
    ...nodeAttributes(trees),
    ...leafAttributes(trees, 'target', targetCount),
    intAttr('n_targets', targetCount),
    stringAttr('aggregate_function', 'SUM'),
    stringAttr('post_transform', 'NONE'),
  ];
  const [output] = g.node('TreeEnsembleRegressor', [input], { domain: ML_DOMAIN, attributes, outputs: [options.name] });
  return output as string;
}

/**
 * Appends an ai.onnx.ml TreeEnsembleClassifier with integer class labels 0..C-1 and returns
 * [label (int64 [N]), probabilities (float32 [N, C])]: the per-class sums of leaf values
 * through `postTransform` (SOFTMAX for boosted logits, NONE for forests' averaged votes).
 *
 * Every class must receive a value from at least one tree. With two classes, write both columns
 * (e.g. -s/2 and +s/2 under SOFTMAX, which is the sigmoid of s): a tree set that scores one column
 * only takes onnxruntime's special binary path, whose output depends on the signs of the weights.
 */
export function treeEnsembleClassifier(
  g: GraphBuilder,
  input: string,
  trees: readonly WrittenTree[],
  classCount: number,
  postTransform: 'NONE' | 'SOFTMAX',
  options: TreeEnsembleOptions = {},
): [label: string, probabilities: string] {
  const scored = new Set(trees.flatMap((t) => t.targets));
  for (let c = 0; c < classCount; c++) {
    if (!scored.has(c)) throw new Error(`treeEnsembleClassifier: no tree scores class ${c}`);
  }
  const attributes = [
    ...nodeAttributes(trees),
    ...leafAttributes(trees, 'class', classCount),
    intsAttr(
      'classlabels_int64s',
      Array.from({ length: classCount }, (_, c) => c),
    ),
    stringAttr('post_transform', postTransform),
  ];
  const [label, probabilities] = g.node('TreeEnsembleClassifier', [input], {
    domain: ML_DOMAIN,
    attributes,
    outputs: [options.labelName ?? 'label', options.name ?? 'probabilities'],
  });
  return [label as string, probabilities as string];
}

const isLeaf = (tree: WrittenTree, node: number): boolean => (tree.feature[node] ?? -1) < 0;

/** nodes_*: one entry per node of every tree. */
function nodeAttributes(trees: readonly WrittenTree[]): IAttributeProto[] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  trees.forEach((tree, t) => {
    const size = checkTree(tree, t);
    for (let node = 0; node < size; node++) {
      const leaf = isLeaf(tree, node);
      treeIds.push(t);
      nodeIds.push(node);
      featureIds.push(leaf ? 0 : (tree.feature[node] ?? 0));
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      values.push(leaf ? 0 : (tree.threshold[node] ?? 0));
      trueIds.push(leaf ? 0 : (tree.left[node] ?? 0));
      falseIds.push(leaf ? 0 : (tree.right[node] ?? 0));
    }
  });
  return [
    intsAttr('nodes_treeids', treeIds),
    intsAttr('nodes_nodeids', nodeIds),
    intsAttr('nodes_featureids', featureIds),
    stringsAttr('nodes_modes', modes),
    floatsAttr('nodes_values', values),
    intsAttr('nodes_truenodeids', trueIds),
    intsAttr('nodes_falsenodeids', falseIds),
  ];
}

/** target_* (regressor) or class_* (classifier): one entry per leaf and target it writes. */
function leafAttributes(trees: readonly WrittenTree[], prefix: 'target' | 'class', targetCount: number): IAttributeProto[] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const ids: number[] = [];
  const weights: number[] = [];
  trees.forEach((tree, t) => {
    const width = tree.targets.length;
    for (const target of tree.targets) {
      if (!Number.isInteger(target) || target < 0 || target >= targetCount) {
        throw new Error(`tree ${t} writes ${prefix} ${target}, outside 0..${targetCount - 1}`);
      }
    }
    for (let node = 0; node < tree.feature.length; node++) {
      if (!isLeaf(tree, node)) continue;
      tree.targets.forEach((target, k) => {
        treeIds.push(t);
        nodeIds.push(node);
        ids.push(target);
        weights.push(tree.values[node * width + k] ?? 0);
      });
    }
  });
  return [
    intsAttr(`${prefix}_treeids`, treeIds),
    intsAttr(`${prefix}_nodeids`, nodeIds),
    intsAttr(`${prefix}_ids`, ids),
    floatsAttr(`${prefix}_weights`, weights),
  ];
}

/** Checks array lengths and child links (a bad link would only fail inside onnxruntime); returns the node count. */
function checkTree(tree: WrittenTree, t: number): number {
  const size = tree.feature.length;
  if (size === 0) throw new Error(`tree ${t} has no nodes`);
  if (tree.threshold.length !== size || tree.left.length !== size || tree.right.length !== size) {
    throw new Error(`tree ${t}: feature, threshold, left and right must have one entry per node`);
  }
  if (tree.targets.length === 0 || tree.values.length !== size * tree.targets.length) {
    throw new Error(`tree ${t}: values must hold ${size} x ${tree.targets.length} entries`);
  }
  for (let node = 0; node < size; node++) {
    if (isLeaf(tree, node)) continue;
    for (const child of [tree.left[node] ?? -1, tree.right[node] ?? -1]) {
      if (!Number.isInteger(child) || child <= node || child >= size) {
        throw new Error(`tree ${t}: node ${node} links to ${child}; children come after their parent, inside the tree`);
      }
    }
  }
  return size;
}
