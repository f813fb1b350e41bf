import type { WrittenTree } from '../onnx/writer/tree-ensemble.js';

/**
 * A trained decision tree in flat arrays (node 0 the root, children after their parent), the layout
 * the ONNX writer takes. Thresholds and leaf values are float32, as the exported file stores them.
 */
export class DecisionTree implements WrittenTree {
  constructor(
    /** Per node: split feature, or -1 for a leaf. */
    readonly feature: Int32Array,
    /** Per node: go left when x[feature] <= threshold. */
    readonly threshold: Float32Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    /** Output columns the leaves add to. */
    readonly targets: readonly number[],
    /** [node * targets.length + k]: what a row reaching leaf `node` adds to targets[k]. */
    readonly values: Float32Array,
  ) {}

  get nodeCount(): number {
    return this.feature.length;
  }

  /**
   * The leaf reached by the float32 row starting at rows[offset] (NaN goes right, as in onnxruntime
   * without missing-value tracking).
   */
  leaf(rows: Float32Array, offset = 0): number {
    let node = 0;
    for (let f = this.feature[0]!; f >= 0; f = this.feature[node]!) {
      node = rows[offset + f]! <= this.threshold[node]! ? this.left[node]! : this.right[node]!;
    }
    return node;
  }

  depth(): number {
    const depthOf = (node: number): number =>
      this.feature[node]! < 0 ? 0 : 1 + Math.max(depthOf(this.left[node]!), depthOf(this.right[node]!));
    return depthOf(0);
  }
}

/**
 * Per-row, per-output sums of the leaf values the rows reach ([row * outputs + k]), accumulated in
 * float32 tree by tree: the arithmetic of onnxruntime's TreeEnsemble ops (SUM aggregation, float32
 * scores), so that predictions equal the served file's up to the order in which a multi-threaded
 * onnxruntime adds partial sums.
 *
 * @param rows flat row-major float32 features, `width` per row
 */
export function treeScores(trees: readonly DecisionTree[], rows: Float32Array, width: number, outputs: number): Float32Array {
  const n = width === 0 ? 0 : rows.length / width;
  // Float32Array stores round each running sum to float32, like C++ float += float. Trees outer keeps
  // each tree's arrays in cache; every row still adds its trees in order.
  const scores = new Float32Array(n * outputs);
  for (const tree of trees) {
    const targets = tree.targets;
    const count = targets.length;
    const values = tree.values;
    for (let i = 0; i < n; i++) {
      const leaf = tree.leaf(rows, i * width);
      for (let k = 0; k < count; k++) scores[i * outputs + targets[k]!]! += values[leaf * count + k]!;
    }
  }
  return scores;
}
