/**
 * Step `train`: gradient-boosted regression trees on the training origins (target: visitors
 * relative to the store's level), exported to ONNX and written as a model package.
 */
import type { StepContext, StepResult } from '../../../src/pipelines/types.js';
import { exportRegressorToOnnx, trainGradientBoostingRegressor } from '../../../src/training/index.js';
import { meanAbsoluteError } from '../baseline.js';
import { featureMatrix, readFeatureSet } from '../feature-io.js';
import { FEATURE_NAMES } from '../features.js';
import { writeModelPackage } from '../model-package.js';
import { INPUT_NAME, OUTPUT_NAME } from '../score.js';
import { folder, integerSetting, numberSetting, stringSetting } from './settings.js';

export function train(ctx: StepContext): StepResult {
  const set = readFeatureSet(folder(ctx, 'inputs', 'train'));
  if (set.names.join() !== FEATURE_NAMES.join()) throw new Error(`the train artifact holds features [${set.names.join(', ')}], not this code's`);
  const params = {
    nEstimators: integerSetting(ctx, 'trees'),
    maxDepth: integerSetting(ctx, 'max_depth'),
    learningRate: numberSetting(ctx, 'learning_rate'),
    subsample: numberSetting(ctx, 'subsample'),
    minSamplesLeaf: integerSetting(ctx, 'min_samples_leaf'),
    seed: integerSetting(ctx, 'seed'),
  };
  const rows = featureMatrix(set);
  const targets = Array.from({ length: set.rows }, (_, i) => (set.actual[i] ?? 0) / (set.level[i] ?? 1));
  ctx.log(`training ${params.nEstimators} trees of depth ${params.maxDepth} on ${set.rows} rows × ${set.names.length} features`);
  const started = Date.now();
  const model = trainGradientBoostingRegressor(rows, targets, params);
  const seconds = (Date.now() - started) / 1000;
  const fitted = model.predict(rows).map((r, i) => Math.max(0, r * (set.level[i] ?? 0)));
  const trainMae = meanAbsoluteError(set.actual, fitted);

  const name = stringSetting(ctx, 'name');
  writeModelPackage(folder(ctx, 'outputs', 'model'), {
    name,
    modelBytes: exportRegressorToOnnx(model, {
      name: name.replace(/[^A-Za-z0-9_]/g, '_'),
      inputName: INPUT_NAME,
      outputName: OUTPUT_NAME,
      docString: 'Daily store visitors relative to the 28-day level, 1..7 days ahead (examples/demand-forecast).',
    }),
    featureNames: set.names,
    trainingRows: rows,
    metrics: { train_mae: round(trainMae), train_rows: set.rows },
    params: {
      algorithm: 'gradient_boosted_trees',
      trees: params.nEstimators,
      max_depth: params.maxDepth,
      learning_rate: params.learningRate,
      subsample: params.subsample,
      min_samples_leaf: params.minSamplesLeaf,
      seed: params.seed,
      target: 'visitors / level (mean of the 28 days up to the origin)',
    },
    dataset: 'synthetic daily store visitors (examples/demand-forecast/generate.ts)',
  });
  ctx.log(`trained in ${seconds.toFixed(1)} s; MAE on the training rows ${trainMae.toFixed(2)} visitors`);
  return { metrics: { train_mae: round(trainMae), train_rows: set.rows } };
}

function round(value: number): number {
  return Number(value.toFixed(4));
}
