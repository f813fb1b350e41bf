import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The real CLI, run from source (no build needed) in a child process, as schedules and triggers run it. */
export const TRAIN_COMMAND: readonly string[] = [
  process.execPath,
  '--import',
  pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
  path.join(REPO_ROOT, 'test/pipelines/helpers/cli-entry.ts'),
];

/** A tiny pipeline: a command step copies examples/iris as the model, `register` gates it on `min_accuracy`. */
export const TRAIN_PIPELINE = path.join(REPO_ROOT, 'test/schedules/fixtures/train/pipeline.yaml');
