/**
 * The steps of examples/iris-pipeline (pipeline.yaml names them `./steps.ts#<export>`).
 * Each gets its inputs as folders and fills its output folders; the runner
 * caches, retries and records them. `load` and `register` are built-ins.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDataFolder, writeDataRows } from '../../src/data/data-folder.js';
import { readPackage } from '../../src/package/read-package.js';
import type { StepContext, StepResult } from '../../src/pipelines/types.js';
import { loadModel } from '../../src/serving/load-model.js';
import { predict } from '../../src/serving/predict.js';
import { classificationReport } from '../../src/stats/metrics.js';
import { buildClassifierPackage, writeClassifierPackage } from '../../src/training/classifier-package.js';
import { IRIS_EXAMPLE_SETTINGS } from '../../src/training/examples/iris-example.js';
import { trainLogisticRegression } from '../../src/training/logistic-regression.js';
import { accuracy, logLoss } from '../../src/training/metrics.js';
import { stratifiedSplit } from '../../src/training/split.js';
import { fitStandardizer, standardize } from '../../src/training/standardize.js';
import { labelledTable } from './table.js';

/** Decimals of the standardizer and the baseline in the manifest: the model is trained with exactly these numbers. */
const DECIMALS = 6;

function folder(dirs: Readonly<Record<string, string>>, name: string): string {
  const dir = dirs[name];
  if (dir === undefined) throw new Error(`no folder for "${name}": check inputs/outputs in pipeline.yaml`);
  return dir;
}

function label(ctx: StepContext): string {
  return typeof ctx.params.label === 'string' ? ctx.params.label : 'species';
}

/** Stratified train/test split: every species keeps its share in both parts; the seed fixes which rows go where. */
export async function split(ctx: StepContext): Promise<StepResult> {
  const table = await readDataFolder(folder(ctx.inputs, 'data'));
  const { labels } = labelledTable(table, label(ctx));
  const parts = stratifiedSplit(labels, { testFraction: Number(ctx.params.test_fraction), seed: Number(ctx.params.seed) });
  await writeDataRows(folder(ctx.outputs, 'train'), table.columns, parts.train.map((i) => table.rows[i] ?? {}));
  await writeDataRows(folder(ctx.outputs, 'test'), table.columns, parts.test.map((i) => table.rows[i] ?? {}));
  ctx.log(`${parts.train.length} rows to train on, ${parts.test.length} held out`);
  return { metrics: { train_rows: parts.train.length, test_rows: parts.test.length } };
}

/**
 * Multinomial logistic regression on standardized features, exported as a
 * servable package: model.onnx plus a manifest with the labels, the
 * standardize step (clients send raw measurements) and the training baseline
 * that drift monitors compare live traffic with.
 */
export async function train(ctx: StepContext): Promise<StepResult> {
  const data = labelledTable(await readDataFolder(folder(ctx.inputs, 'train')), label(ctx));
  const settings = { ...IRIS_EXAMPLE_SETTINGS.training, seed: Number(ctx.params.seed), epochs: Number(ctx.params.epochs) };
  // Rounded before training, so that the manifest holds exactly the numbers the model saw.
  const standardizer = fitStandardizer(data.features, DECIMALS);
  const inputs = standardize(data.features, standardizer);
  ctx.progress(0, 1, `${settings.epochs} epochs on ${data.features.length} rows`);
  const model = trainLogisticRegression(inputs, data.labels, data.classNames.length, settings);
  const trainAccuracy = accuracy(data.labels, model.predict(inputs));
  const pkg = buildClassifierPackage({
    name: 'iris',
    description: 'Iris species from sepal and petal measurements in cm (multinomial logistic regression, examples/iris-pipeline).',
    model,
    graphName: 'iris_logistic_regression',
    docString: 'Multinomial logistic regression on standardized iris features; trained by examples/iris-pipeline.',
    classNames: data.classNames,
    featureNames: data.featureNames,
    standardizer,
    trainFeatures: data.features,
    sample: data.features.slice(0, 2),
    metrics: { train_accuracy: Number(trainAccuracy.toFixed(DECIMALS)), train_rows: data.features.length },
    source: 'examples/iris-pipeline/steps.ts#train',
    params: {
      algorithm: 'multinomial_logistic_regression',
      learning_rate: settings.learningRate,
      epochs: settings.epochs,
      l2: settings.l2,
      seed: settings.seed,
    },
    dataset: 'examples/iris-pipeline/iris.csv',
    decimals: DECIMALS,
  });
  await writeClassifierPackage(folder(ctx.outputs, 'model'), pkg);
  ctx.progress(1, 1);
  return { metrics: { train_accuracy: trainAccuracy } };
}

/**
 * Scores the held-out rows with the package exactly as it will be served
 * (the serving runtime, its standardize step and labels), not with the
 * in-memory trainer, and writes metrics.json for the register step's gate.
 */
export async function evaluate(ctx: StepContext): Promise<StepResult> {
  const pkg = await readPackage(folder(ctx.inputs, 'model'));
  const model = await loadModel(pkg, { name: 'iris-evaluation' });
  try {
    const classNames = pkg.labels ?? [];
    const test = labelledTable(await readDataFolder(folder(ctx.inputs, 'test')), label(ctx), classNames);
    const response = await predict(model, { instances: test.features, signature: 'probabilities' }, `evaluate-${ctx.run.id}`);
    const probabilities = response.predictions as number[][];
    const predicted = response.labels ?? [];
    const report = classificationReport(test.labelNames, [...predicted]);
    const metrics = {
      accuracy: round(accuracy(test.labels, predicted.map((name) => classNames.indexOf(name)))),
      f1_macro: round(report.macro.f1),
      log_loss: round(logLoss(test.labels, probabilities)),
      test_rows: test.labels.length,
    };
    await writeFile(path.join(folder(ctx.outputs, 'metrics'), 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    ctx.log(`held-out accuracy ${metrics.accuracy}, macro F1 ${metrics.f1_macro}, log loss ${metrics.log_loss} on ${metrics.test_rows} rows`);
    return { metrics };
  } finally {
    await model.dispose();
  }
}

function round(value: number): number {
  return Number(value.toFixed(DECIMALS));
}

