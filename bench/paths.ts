import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/ lives directly under it). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'mlpatterns.js');
export const BENCH_DIR = join(ROOT, 'bench');
export const RESULTS_FILE = join(BENCH_DIR, 'results', 'latest.json');
export const IRIS_PACKAGE = join(ROOT, 'examples', 'iris');
export const IRIS_ONNX = join(IRIS_PACKAGE, 'model.onnx');
