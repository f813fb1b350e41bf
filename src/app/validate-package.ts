import { readPackage } from '../package/read-package.js';
import { loadModel } from '../serving/load-model.js';

export interface ValidatedPackage {
  readonly runtime: string;
  readonly manifest: Record<string, unknown>;
  readonly metrics?: Record<string, number>;
}

/**
 * Loads a package or .onnx with the real runtime (then releases it), so a
 * corrupt or non-ONNX file is refused before anything is registered.
 */
export async function validatePackage(source: string, labelsFile?: string): Promise<ValidatedPackage> {
  const pkg = await readPackage(source, labelsFile ? { labelsFile } : {});
  const model = await loadModel(pkg);
  await model.dispose();
  return {
    runtime: pkg.manifest.runtime,
    manifest: pkg.manifest as unknown as Record<string, unknown>,
    ...(pkg.manifest.metrics ? { metrics: pkg.manifest.metrics } : {}),
  };
}
