import type { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { denseLayers } from '../onnx/writer/mlp.js';
import type { OnnxRegressor } from './export-regressor.js';
import type { Matrix } from './math.js';
import { fitNetwork, initialLayers, OneHiddenLayerNetwork, type MlpParams } from './mlp-network.js';
import { SeededRandom } from './random.js';
import { fitStandardizer, type Standardizer } from './standardize.js';
import { checkChoice, checkFeatures, checkOption, checkTargets, float32Matrix } from './training-data.js';

/** Full-batch training passes over all rows every epoch: meant for up to some 10k rows. */
export interface MlpRegressorParams extends MlpParams {
  /** Units in the hidden layer. @default 16 */
  readonly hidden?: number;
  /** @default 0.1 */
  readonly learningRate?: number;
}

export const MLP_REGRESSOR_DEFAULTS: Required<MlpRegressorParams> = {
  hidden: 16,
  activation: 'tanh',
  learningRate: 0.1,
  epochs: 2000,
  l2: 0.0001,
  seed: 42,
};

/**
 * y = act(((x - mean) / std) · W1 + b1) · W2 + b2, one output. The input standardization is part of
 * the model (and of the exported graph, as Sub and Div); the network is trained on standardized
 * targets and its last layer rescaled afterwards, so W2 and b2 give y in the targets' units.
 */
export class MlpRegressor implements OnnxRegressor {
  constructor(
    readonly network: OneHiddenLayerNetwork,
    readonly inputScaling: Standardizer,
  ) {
    if (network.b2.length !== 1) throw new Error(`an MLP regressor has one output, not ${network.b2.length}`);
  }

  get featureCount(): number {
    return this.network.featureCount;
  }

  predict(features: Matrix): number[] {
    const width = this.featureCount;
    const rows = float32Matrix(features, width);
    const { mean, std } = this.inputScaling;
    const standardized = features.map((_, i) => Array.from({ length: width }, (_, j) => (rows[i * width + j]! - mean[j]!) / std[j]!));
    return this.network.outputs(standardized).map((out) => out[0]!);
  }

  writeOnnx(g: GraphBuilder, input: string, outputName: string): string {
    return denseLayers(g, input, this.network.denseLayers(), { name: outputName, standardize: this.inputScaling });
  }
}

/**
 * Fits a one-hidden-layer network on half the mean squared error by full-batch gradient descent,
 * sharing the MLP classifier's back-propagation (src/training/mlp-network.ts). Inputs and targets are
 * standardized for the fit (plain gradient descent diverges on raw units); deterministic for a seed.
 *
 * @throws MlError INVALID_TRAINING_DATA for empty, ragged or non-finite data, or an option out of range.
 */
export function trainMlpRegressor(features: Matrix, targets: readonly number[], params: MlpRegressorParams = {}): MlpRegressor {
  const { hidden, activation, learningRate, epochs, l2, seed } = { ...MLP_REGRESSOR_DEFAULTS, ...params };
  const width = checkFeatures(features);
  const rows = features.length;
  checkTargets(targets, rows);
  checkOption('hidden', hidden, 1, 10_000, true);
  checkOption('learningRate', learningRate, Number.MIN_VALUE, 100);
  checkOption('epochs', epochs, 1, 10_000_000, true);
  checkOption('l2', l2, 0, Number.MAX_VALUE);
  checkChoice('activation', activation, ['tanh', 'relu']);

  // Standardize what the served model will see: float32 inputs.
  const inputs = features.map((row) => Array.from(Float32Array.from(row)));
  const inputScaling = fitStandardizer(inputs);
  const standardized = inputs.map((row) => row.map((v, j) => (v - inputScaling.mean[j]!) / inputScaling.std[j]!));
  const [targetMean, targetStd] = meanAndStd(targets);
  const z = targets.map((y) => (y - targetMean) / targetStd);

  const layers = initialLayers(new SeededRandom(seed), width, hidden, 1);
  const network = new OneHiddenLayerNetwork(activation, layers.w1, layers.b1, layers.w2, layers.b2);
  fitNetwork(network, standardized, { learningRate, epochs, l2 }, (outputs) => outputs.map((out, i) => [(out[0]! - z[i]!) / rows]));

  // Back to the targets' units: y = z·std + mean, folded into the last layer.
  network.w2.forEach((row) => (row[0] = row[0]! * targetStd));
  network.b2[0] = network.b2[0]! * targetStd + targetMean;
  return new MlpRegressor(network, inputScaling);
}

/** Population mean and standard deviation; a constant target gets std 1 (the fit then learns zeros). */
function meanAndStd(values: readonly number[]): [number, number] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [mean, variance > 0 ? Math.sqrt(variance) : 1];
}
