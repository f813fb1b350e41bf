import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlError } from '../errors/ml-error.js';
import { formatIssues } from './format-issues.js';
import { readLabelsFile } from './labels.js';
import { MANIFEST_FILE, MODEL_NAME_PATTERN, manifestSchema, type Manifest } from './manifest.js';
import { resolveInsidePackage } from './package-path.js';

/** A model package on disk: its validated manifest and resolved files. */
export interface ModelPackage {
  /** Folder holding the package (for a bare .onnx: the file's folder). */
  readonly dir: string;
  readonly manifest: Manifest;
  /** Absolute path of the model file (onnx) or module (function). */
  readonly modelPath: string;
  /** Class labels in index order, when known. */
  readonly labels?: readonly string[];
  /** True when the manifest was inferred from a bare model file. */
  readonly inferred: boolean;
}

export interface ReadPackageOptions {
  /** Served name to use for a bare .onnx (defaults to the file name). */
  readonly name?: string;
  /** Labels file to use instead of the manifest's. */
  readonly labelsFile?: string;
}

/** Candidate label files picked up beside a bare .onnx file. */
const SIBLING_LABEL_FILES = ['labels.json', 'label.json'];

/**
 * Reads a package folder (with `mlpatterns.model.yaml`) or a bare `.onnx`
 * file. Nothing here runs the model; the runtime validates the graph itself.
 */
export async function readPackage(source: string, options: ReadPackageOptions = {}): Promise<ModelPackage> {
  const abs = path.resolve(source);
  const info = await stat(abs).catch(() => undefined);
  if (!info) throw new MlError('INVALID_MODEL_FILE', { path: source, reason: 'no such file or folder' });
  if (info.isDirectory()) return readPackageDir(abs, options);
  return readBareModel(abs, options);
}

async function readPackageDir(dir: string, options: ReadPackageOptions): Promise<ModelPackage> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const text = await readFile(manifestPath, 'utf8').catch(() => undefined);
  if (text === undefined) {
    // A folder holding a single .onnx (as the registry stores a bare file) is servable too.
    const onnxFiles = (await readdir(dir)).filter((f) => f.endsWith('.onnx'));
    const [only] = onnxFiles;
    if (only !== undefined && onnxFiles.length === 1) {
      return readBareModel(path.join(dir, only), { ...options, name: options.name ?? sanitizeName(path.basename(only, '.onnx')) });
    }
    throw new MlError('INVALID_MODEL_FILE', { path: dir, reason: `no ${MANIFEST_FILE} and not exactly one .onnx file in the folder` });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new MlError('INVALID_MANIFEST', { path: manifestPath, reason: (err as Error).message }, { cause: err });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MlError('INVALID_MANIFEST', { path: manifestPath, reason: formatIssues(parsed.error.issues, { root: '(root)' }) });
  }
  const manifest = parsed.data;
  const modelFile = manifest.model ?? (manifest.runtime === 'function' ? 'model.ts' : 'model.onnx');
  const modelPath = resolveInsidePackage(dir, modelFile);
  if (modelPath === undefined) {
    throw new MlError('INVALID_MANIFEST', { path: manifestPath, reason: `model path "${modelFile}" leaves the package folder` });
  }
  const labels = await resolveLabels(manifest, dir, options.labelsFile, manifestPath);
  return { dir, manifest, modelPath, ...(labels ? { labels } : {}), inferred: false };
}

async function resolveLabels(
  manifest: Manifest,
  dir: string,
  override: string | undefined,
  manifestPath: string,
): Promise<string[] | undefined> {
  const spec = override ?? manifest.labels;
  if (spec === undefined) return undefined;
  if (Array.isArray(spec)) return spec;
  // An override comes from the operator (flag or config file) and may be anywhere;
  // the manifest's own labels file must be part of the package, like its model.
  const file = override !== undefined ? path.resolve(spec) : resolveInsidePackage(dir, spec);
  if (file === undefined) {
    throw new MlError('INVALID_MANIFEST', { path: manifestPath, reason: `labels path "${spec}" leaves the package folder` });
  }
  try {
    return await readLabelsFile(file);
  } catch (err) {
    throw new MlError('INVALID_MANIFEST', { path: manifestPath, reason: `labels: ${(err as Error).message}` }, { cause: err });
  }
}

async function readBareModel(file: string, options: ReadPackageOptions): Promise<ModelPackage> {
  const dir = path.dirname(file);
  const name = options.name ?? sanitizeName(path.basename(file, path.extname(file)));
  const manifest = manifestSchema.parse({ name, runtime: 'onnx', model: path.basename(file) });
  let labels: string[] | undefined;
  if (options.labelsFile) {
    labels = await readLabelsFile(options.labelsFile).catch((err: Error) => {
      throw new MlError('INVALID_MODEL_FILE', { path: options.labelsFile ?? '', reason: err.message }, { cause: err });
    });
  } else {
    labels = await siblingLabels(dir);
  }
  // Sibling labels are a guess: the model loader drops them when their count differs from the classes.
  return { dir, manifest, modelPath: file, ...(labels ? { labels } : {}), inferred: true };
}

async function siblingLabels(dir: string): Promise<string[] | undefined> {
  for (const candidate of SIBLING_LABEL_FILES) {
    const labels = await readLabelsFile(path.join(dir, candidate)).catch(() => undefined);
    if (labels) return labels;
  }
  return undefined;
}

/** A valid model name made from a file or folder name (`iris_svc.onnx` → `iris_svc`). */
export function sanitizeName(base: string): string {
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '');
  return MODEL_NAME_PATTERN.test(cleaned) ? cleaned : 'model';
}
