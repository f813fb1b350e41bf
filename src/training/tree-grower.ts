import type { BinnedFeatures } from './tree-binning.js';

export interface GrowOptions {
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  /** L2 penalty on leaf values (the λ of XGBoost / LightGBM). */
  readonly l2: number;
  /** Smallest hessian sum a child may have (keeps Newton steps of near-pure log-loss nodes finite). */
  readonly minChildWeight: number;
  /**
   * The hessian is 1 for every row (squared error): histograms then skip it and use the row count,
   * a third less work in the hot loop.
   */
  readonly unitHessian: boolean;
  /**
   * Random forests: how many of the tree's features each node may split on, drawn afresh per node
   * with `random` (uniform in [0, 1)). Undefined: every feature, every node.
   */
  readonly featuresPerSplit?: { readonly count: number; readonly random: () => number };
}

/** A grown tree over bins: a split sends bin <= splitBin left; leaves hold Newton steps -G/(H + l2). */
export interface BinTree {
  readonly feature: Int32Array;
  readonly splitBin: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafValue: Float64Array;
}

interface Split {
  feature: number;
  bin: number;
  gradLeft: number;
  hessLeft: number;
}

/** A node still to grow: rows index[start, end), gradient sums, and its histograms when it may split. */
interface NodeWork {
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | undefined;
}

/**
 * Grows regression trees on gradient statistics with per-node histograms (gradient, hessian, count
 * per bin), the LightGBM / scikit-learn HistGradientBoosting method: a node's best split is a scan of
 * its histograms; only the smaller child's histograms are built from rows, the larger's being the
 * parent's minus the smaller's; a child that cannot split (depth limit, too few rows) gets none.
 * One grower serves every tree of a fit, buffers included.
 */
export class TreeGrower {
  private readonly binCounts: Int32Array;
  /** Histogram values per feature (its bins at offset f * stride). */
  private readonly stride: number;
  /** Values per bin: gradient, (hessian,) count. */
  private readonly slots: number;
  private readonly histSize: number;
  private readonly pool: Float64Array[] = [];
  private readonly index: Int32Array;
  private readonly scratch: Int32Array;
  // The tree under construction, in preorder.
  private feature: number[] = [];
  private splitBin: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private leafValue: number[] = [];

  constructor(
    private readonly data: BinnedFeatures,
    private readonly options: GrowOptions,
  ) {
    this.slots = options.unitHessian ? 2 : 3;
    this.binCounts = Int32Array.from(data.edges, (e) => e.length + 1);
    // A fixed stride per feature keeps the hot loop's offset arithmetic to one multiply.
    this.stride = Math.max(...this.binCounts) * this.slots;
    this.histSize = this.stride * data.width;
    this.index = new Int32Array(data.rows);
    this.scratch = new Int32Array(data.rows);
  }

  /**
   * Grows one tree on the rows in `rows` (ascending indices) splitting on `features` only.
   * grad/hess are per row of the whole dataset (hess unread with unitHessian).
   */
  grow(grad: Float64Array, hess: Float64Array, rows: Int32Array, features: Int32Array): BinTree {
    this.feature = [];
    this.splitBin = [];
    this.left = [];
    this.right = [];
    this.leafValue = [];
    this.index.set(rows);
    let g = 0;
    let h = 0;
    for (let i = 0; i < rows.length; i++) {
      g += grad[rows[i]!]!;
      h += this.options.unitHessian ? 1 : hess[rows[i]!]!;
    }
    const root: NodeWork = { start: 0, end: rows.length, depth: 0, g, h, hist: undefined };
    if (this.canSplit(root)) {
      root.hist = this.acquire();
      this.buildHistogram(root.hist, grad, hess, features, 0, rows.length);
    }
    this.growNode(grad, hess, features, root);
    return {
      feature: Int32Array.from(this.feature),
      splitBin: Int32Array.from(this.splitBin),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      leafValue: Float64Array.from(this.leafValue),
    };
  }

  private canSplit(node: NodeWork): boolean {
    return node.depth < this.options.maxDepth && node.end - node.start >= 2 * this.options.minSamplesLeaf;
  }

  /** Grows the subtree of `node`; returns its node id (preorder: children after parents). */
  private growNode(grad: Float64Array, hess: Float64Array, features: Int32Array, node: NodeWork): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.splitBin.push(0);
    this.left.push(0);
    this.right.push(0);
    this.leafValue.push(-node.g / Math.max(node.h + this.options.l2, Number.MIN_VALUE));
    const hist = node.hist;
    const split = hist === undefined ? undefined : this.bestSplit(hist, this.candidates(features), node);
    if (hist === undefined || split === undefined) {
      if (hist !== undefined) this.release(hist);
      return id;
    }

    const mid = this.partition(split, node.start, node.end);
    const depth = node.depth + 1;
    const left: NodeWork = { start: node.start, end: mid, depth, g: split.gradLeft, h: split.hessLeft, hist: undefined };
    const right: NodeWork = { start: mid, end: node.end, depth, g: node.g - split.gradLeft, h: node.h - split.hessLeft, hist: undefined };
    this.childHistograms(grad, hess, features, hist, left, right);

    this.feature[id] = split.feature;
    this.splitBin[id] = split.bin;
    this.left[id] = this.growNode(grad, hess, features, left);
    this.right[id] = this.growNode(grad, hess, features, right);
    return id;
  }

  /**
   * Gives the children that may split their histograms: the smaller child's from its rows, the
   * larger's as parent minus smaller (computed in the parent's buffer). Releases what is not needed.
   */
  private childHistograms(
    grad: Float64Array,
    hess: Float64Array,
    features: Int32Array,
    parent: Float64Array,
    left: NodeWork,
    right: NodeWork,
  ): void {
    const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
    const smallSplits = this.canSplit(small);
    const largeSplits = this.canSplit(large);
    if (!smallSplits && !largeSplits) {
      this.release(parent);
      return;
    }
    const smallHist = this.acquire();
    this.buildHistogram(smallHist, grad, hess, features, small.start, small.end);
    if (largeSplits) {
      for (let fi = 0; fi < features.length; fi++) {
        const f = features[fi]!;
        const end = f * this.stride + this.binCounts[f]! * this.slots;
        for (let k = f * this.stride; k < end; k++) parent[k]! -= smallHist[k]!;
      }
      large.hist = parent;
    } else {
      this.release(parent);
    }
    if (smallSplits) small.hist = smallHist;
    else this.release(smallHist);
  }

  /** The features a node may split on: all of the tree's, or a random few of them (featuresPerSplit). */
  private candidates(features: Int32Array): Int32Array {
    const perSplit = this.options.featuresPerSplit;
    if (perSplit === undefined || perSplit.count >= features.length) return features;
    const pool = Int32Array.from(features);
    // Partial Fisher-Yates: the first `count` entries become a uniform sample; sorted to keep scan order stable.
    for (let i = 0; i < perSplit.count; i++) {
      const j = i + Math.floor(perSplit.random() * (pool.length - i));
      const chosen = pool[j]!;
      pool[j] = pool[i]!;
      pool[i] = chosen;
    }
    return pool.subarray(0, perSplit.count).sort();
  }

  /**
   * The split with the largest loss reduction GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ) whose children both
   * keep minSamplesLeaf rows and minChildWeight hessian; the first one on ties (features, then bins,
   * in order), so growth is deterministic. Undefined when no split reduces the loss.
   */
  private bestSplit(hist: Float64Array, features: Int32Array, node: NodeWork): Split | undefined {
    const { l2, minSamplesLeaf, minChildWeight } = this.options;
    const { g, h } = node;
    const count = node.end - node.start;
    const slots = this.slots;
    const countSlot = slots - 1;
    const parent = (g * g) / (h + l2);
    let best: Split | undefined;
    let bestGain = 0;
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi]!;
      const o = f * this.stride;
      const bins = this.binCounts[f]!;
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = 0; b < bins - 1; b++) {
        const k = o + b * slots;
        gl += hist[k]!;
        nl += hist[k + countSlot]!;
        hl = slots === 2 ? nl : hl + hist[k + 1]!;
        if (nl < minSamplesLeaf || hl < minChildWeight) continue;
        const hr = h - hl;
        if (count - nl < minSamplesLeaf || hr < minChildWeight) break;
        const gr = g - gl;
        const children = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2);
        const gain = children - parent;
        // The relative floor drops "gains" that are only rounding noise of an already pure node.
        if (gain > bestGain && gain > 1e-12 * children) {
          bestGain = gain;
          best = { feature: f, bin: b, gradLeft: gl, hessLeft: hl };
        }
      }
    }
    return best;
  }

  /** Stable partition of index[start, end): rows with bin <= split.bin first; returns where the right part starts. */
  private partition(split: Split, start: number, end: number): number {
    const { codes, width } = this.data;
    const { index, scratch } = this;
    const column = split.feature;
    const bin = split.bin;
    let write = start;
    let spill = 0;
    // Branch-free: which side a row goes is a coin flip to the CPU's predictor, so store to both.
    for (let i = start; i < end; i++) {
      const r = index[i]!;
      const left = codes[r * width + column]! <= bin ? 1 : 0;
      index[write] = r;
      scratch[spill] = r;
      write += left;
      spill += 1 - left;
    }
    index.set(scratch.subarray(0, spill), write);
    return write;
  }

  /** The hot loop: rows outer (one read of a row's gradient and adjacent bin codes), features inner. */
  private buildHistogram(hist: Float64Array, grad: Float64Array, hess: Float64Array, features: Int32Array, start: number, end: number): void {
    hist.fill(0);
    const { codes, width } = this.data;
    const index = this.index;
    const stride = this.stride;
    const used = features.length;
    if (this.slots === 2 && used === width) {
      // Every feature (the common case): a running offset instead of an index lookup per feature.
      for (let i = start; i < end; i++) {
        const r = index[i]!;
        const gr = grad[r]!;
        const base = r * width;
        for (let f = 0, o = 0; f < width; f++, o += stride) {
          const k = o + codes[base + f]! * 2;
          hist[k]! += gr;
          hist[k + 1]! += 1;
        }
      }
    } else if (this.slots === 2) {
      for (let i = start; i < end; i++) {
        const r = index[i]!;
        const gr = grad[r]!;
        const base = r * width;
        for (let fi = 0; fi < used; fi++) {
          const f = features[fi]!;
          const k = f * stride + codes[base + f]! * 2;
          hist[k]! += gr;
          hist[k + 1]! += 1;
        }
      }
    } else {
      for (let i = start; i < end; i++) {
        const r = index[i]!;
        const gr = grad[r]!;
        const hr = hess[r]!;
        const base = r * width;
        for (let fi = 0; fi < used; fi++) {
          const f = features[fi]!;
          const k = f * stride + codes[base + f]! * 3;
          hist[k]! += gr;
          hist[k + 1]! += hr;
          hist[k + 2]! += 1;
        }
      }
    }
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histSize);
  }

  private release(hist: Float64Array): void {
    this.pool.push(hist);
  }
}
