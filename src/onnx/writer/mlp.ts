import { CLASS_LABELS_METADATA_KEY } from '../classify-model.js';
import { GraphBuilder, type GraphBuilderOptions } from './graph-builder.js';
import { flattenMatrix, type Matrix } from './weights.js';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'none';

export interface DenseLayer {
  /** [in][out]: weights[i][j] connects input i to unit j. */
  readonly weights: Matrix;
  readonly bias: readonly number[];
  /** @default "none" */
  readonly activation?: Activation;
}

/**
 * What the last layer's values are:
 * - `probabilities`: outputs `probabilities` = softmax(last) [N, C] and `label` = argmax [N] (int64);
 * - `logits`: outputs `logits` = last [N, C] and `label` = argmax [N] (int64);
 * - `regression`: outputs `predictions` = last [N, K].
 */
export type MlpHead = 'probabilities' | 'logits' | 'regression';

export interface MlpOptions extends GraphBuilderOptions {
  readonly layers: readonly DenseLayer[];
  readonly outputs: MlpHead;
  /** @default "mlp" */
  readonly name?: string;
  /** @default "features" */
  readonly inputName?: string;
  /** Class labels in column order, stored in metadata so that inspectModel reports them. */
  readonly classLabels?: readonly string[];
  /** Per-feature (x - mean) / std applied to the input before the first layer (Sub, Div). */
  readonly standardize?: Standardization;
}

export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * A feed-forward network (any number of dense layers, logistic regression being
 * the one-layer case) over a float32 [N, in] input with a dynamic batch.
 * Returns the builder, so a caller can add outputs or metadata before toBytes().
 */
export function mlp(options: MlpOptions): GraphBuilder {
  const widths = checkLayers(options.layers);
  const g = new GraphBuilder(options.name ?? 'mlp', options);
  const input = g.input(options.inputName ?? 'features', 'float32', [-1, widths.in]);
  const head = options.outputs === 'probabilities' ? undefined : options.outputs === 'logits' ? 'logits' : 'predictions';
  const x = denseLayers(g, input, options.layers, {
    ...(head !== undefined && { name: head }),
    ...(options.standardize && { standardize: options.standardize }),
  });

  if (options.outputs === 'regression') {
    g.output(x, 'float32', [-1, widths.out]);
  } else {
    const scores = options.outputs === 'probabilities' ? g.softmax(x, { axis: 1, name: 'probabilities' }) : x;
    g.output(scores, 'float32', [-1, widths.out]);
    // Taken over the returned scores, so the label always agrees with them, ties included.
    g.output(g.argMax(scores, { axis: 1, name: 'label' }), 'int64', [-1]);
  }
  if (options.classLabels !== undefined) {
    if (options.classLabels.length !== widths.out) {
      throw new Error(`mlp: ${options.classLabels.length} class labels for ${widths.out} outputs`);
    }
    g.metadata(CLASS_LABELS_METADATA_KEY, JSON.stringify(options.classLabels));
  }
  return g;
}

/**
 * Appends the network's ops to an existing graph: optional standardization, then the dense layers.
 * Returns the last value, named `options.name` when given (the caller declares it an output).
 */
export function denseLayers(
  g: GraphBuilder,
  input: string,
  layers: readonly DenseLayer[],
  options: { readonly name?: string; readonly standardize?: Standardization } = {},
): string {
  const widths = checkLayers(layers);
  const last = layers.length - 1;
  let x = options.standardize === undefined ? input : standardizeInput(g, input, options.standardize, widths.in);
  layers.forEach((layer, i) => {
    const isLast = i === last;
    const activation = layer.activation ?? 'none';
    // Name the last layer's value after the graph output it becomes, when nothing follows it.
    const name = isLast && activation === 'none' ? options.name : undefined;
    x = g.dense(x, layer.weights, layer.bias, name === undefined ? {} : { name });
    if (activation !== 'none') x = activate(g, x, activation, isLast ? options.name : undefined);
  });
  return x;
}

function standardizeInput(g: GraphBuilder, input: string, { mean, std }: Standardization, width: number): string {
  if (mean.length !== width || std.length !== width) {
    throw new Error(`mlp: standardize needs ${width} means and stds, got ${mean.length} and ${std.length}`);
  }
  const centered = g.sub(input, g.constant({ values: mean, dims: [width] }));
  return g.div(centered, g.constant({ values: std, dims: [width] }));
}

function activate(g: GraphBuilder, x: string, activation: Exclude<Activation, 'none'>, name: string | undefined): string {
  const options = name === undefined ? {} : { name };
  switch (activation) {
    case 'relu':
      return g.relu(x, options);
    case 'sigmoid':
      return g.sigmoid(x, options);
    case 'tanh':
      return g.tanh(x, options);
  }
}

/** Checks that consecutive layers fit; returns the network's input and output widths. */
function checkLayers(layers: readonly DenseLayer[]): { in: number; out: number } {
  const first = layers[0];
  if (first === undefined) throw new Error('mlp: at least one layer is required');
  const inputWidth = first.weights.length;
  let width = inputWidth;
  layers.forEach((layer, i) => {
    const [rows, cols] = flattenMatrix(layer.weights).dims;
    if (rows !== width) throw new Error(`mlp: layer ${i} takes ${rows} inputs but receives ${width}`);
    if (cols !== layer.bias.length) throw new Error(`mlp: layer ${i} has ${cols} units but ${layer.bias.length} biases`);
    width = cols ?? 0;
  });
  return { in: inputWidth, out: width };
}
