import { manifestSchema, type ManifestInput } from '../../package/manifest.js';
import { subset } from '../dataset.js';
import { generatePatterns, PATTERN_CLASSES, PATTERN_SIZE, patternsDataset, renderPattern } from '../datasets/patterns.js';
import { exportClassifierToOnnx } from '../export-onnx.js';
import { trainLogisticRegression, type LogisticRegression, type LogisticRegressionParams } from '../logistic-regression.js';
import { accuracy, logLoss } from '../metrics.js';
import { SeededRandom } from '../random.js';
import { stratifiedSplit } from '../split.js';
import { manifestToYaml } from './manifest-yaml.js';

/** Everything that decides the example's bytes. Change one and re-run scripts/build-prep-pred-example.ts. */
export const PREP_PRED_EXAMPLE_SETTINGS = {
  imagesPerClass: 120,
  dataSeed: 7,
  testFraction: 0.3,
  splitSeed: 42,
  training: { learningRate: 0.5, epochs: 300, l2: 0.001, seed: 42 } satisfies Required<LogisticRegressionParams>,
  /** The sample images come from their own seed, so none of them was seen in training. */
  sampleSeed: 2024,
  decimals: 6,
} as const;

const INPUT_NAME = 'features';
const SOURCE = 'scripts/build-prep-pred-example.ts';

export interface PrepPredSample {
  /** File stem, e.g. "horizontal". */
  readonly name: string;
  readonly label: (typeof PATTERN_CLASSES)[number];
  /** PATTERN_SIZE² grayscale pixels; the script writes them as a larger PNG, which the prep service shrinks back. */
  readonly pixels: Uint8Array;
}

export interface PrepPredExample {
  readonly model: LogisticRegression;
  readonly modelBytes: Uint8Array;
  readonly manifest: ManifestInput;
  readonly manifestYaml: string;
  readonly samples: readonly PrepPredSample[];
}

/**
 * Trains the prediction half of the prep–pred example: multinomial logistic
 * regression on the pixels (0..1) of 16x16 grayscale pattern images. The ONNX
 * graph takes the 256 pixels as features, exactly what the example's prep
 * service sends; the package has no pre-processing of its own, since the
 * pre-processing runs in the other process. Pure and deterministic.
 */
export function buildPrepPredExample(): PrepPredExample {
  const { imagesPerClass, dataSeed, testFraction, splitSeed, training, sampleSeed, decimals } = PREP_PRED_EXAMPLE_SETTINGS;
  const data = patternsDataset(generatePatterns(imagesPerClass, dataSeed));
  const split = stratifiedSplit(data.labels, { testFraction, seed: splitSeed });
  const train = subset(data, split.train);
  const test = subset(data, split.test);

  const model = trainLogisticRegression(train.features, train.labels, PATTERN_CLASSES.length, training);
  const testProbabilities = model.predictProba(test.features);
  const width = PATTERN_SIZE * PATTERN_SIZE;

  const modelBytes = exportClassifierToOnnx(model, {
    name: 'patterns_logistic_regression',
    inputName: INPUT_NAME,
    classLabels: PATTERN_CLASSES,
    docString: `Multinomial logistic regression on ${PATTERN_SIZE}x${PATTERN_SIZE} grayscale pixels in 0..1; built by ${SOURCE}.`,
  });
  const inputs = [{ name: INPUT_NAME, dtype: 'float32' as const, shape: [-1, width] }];
  const manifest: ManifestInput = {
    name: 'patterns',
    version: '1.0.0',
    description: `Pattern in a ${PATTERN_SIZE}x${PATTERN_SIZE} grayscale image (horizontal bars, vertical bars or a diagonal cross) from its ${width} pixels scaled to 0..1, row-major (multinomial logistic regression).`,
    runtime: 'onnx',
    model: 'model.onnx',
    labels: [...PATTERN_CLASSES],
    signatures: {
      probabilities: { default: true, inputs, outputs: ['probabilities'] },
      label: { inputs, outputs: ['label'] },
    },
    preprocess: [],
    postprocess: [],
    metrics: {
      accuracy: round(accuracy(test.labels, model.predict(test.features)), decimals),
      log_loss: round(logLoss(test.labels, testProbabilities), decimals),
      train_accuracy: round(accuracy(train.labels, model.predict(train.features)), decimals),
      test_rows: test.labels.length,
      train_rows: train.labels.length,
    },
    source: SOURCE,
    params: {
      algorithm: 'multinomial_logistic_regression',
      learning_rate: training.learningRate,
      epochs: training.epochs,
      l2: training.l2,
      seed: training.seed,
      images_per_class: imagesPerClass,
      data_seed: dataSeed,
      test_fraction: testFraction,
      split_seed: splitSeed,
      split: 'stratified',
    },
    dataset: `synthetic ${PATTERN_SIZE}x${PATTERN_SIZE} patterns (src/training/datasets/patterns.ts)`,
  };
  // Fail here, at build time, rather than when a server loads the package.
  manifestSchema.parse(manifest);
  return { model, modelBytes, manifest, manifestYaml: manifestToYaml(manifest, SOURCE), samples: samples(sampleSeed) };
}

/** One fresh image per class, named after it. */
function samples(seed: number): PrepPredSample[] {
  const random = new SeededRandom(seed);
  return PATTERN_CLASSES.map((label, index) => ({ name: label, label, pixels: renderPattern(index, random) }));
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
