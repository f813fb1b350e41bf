import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openRegistry } from '../../app/open-registry.js';
import { validatePackage } from '../../app/validate-package.js';
import { MlError } from '../../errors/ml-error.js';
import { checkGates, describeGate, type GateResult, type ProductionMetrics } from '../../monitoring/promotion.js';
import { readPackage } from '../../package/read-package.js';
import { digestArtifact } from '../../ports/artifact-digest.js';
import type { Registry } from '../../registry/registry.js';
import { StepRejectedError, type BuiltinStep, type PipelineStorage, type StepContext } from '../types.js';
import { registerSettingsOf, validateRegisterSettings, type RegisterSettings } from './register-settings.js';

export const METRICS_FILE = 'metrics.json';
export const REGISTERED_FILE = 'value.json';

/** What `registered/value.json` holds: the version, where the alias points, and how the gate decided. */
export interface RegisteredValue {
  readonly name: string;
  readonly version: number;
  readonly digest: string;
  /** `false` when the registry already had these exact bytes (the version is reused). */
  readonly created: boolean;
  readonly alias: string | null;
  readonly gate: readonly GateResult[];
  /** The production version the versus-production rules compared with, when there was one. */
  readonly production: number | null;
  readonly source: string;
}

/**
 * `uses: register` (docs/pipeline-builtins.md): the evaluation gate, then the
 * registry. Inputs: `model` (a package folder, or a folder holding one .onnx)
 * and optionally `metrics` (a folder with metrics.json). Every gate rule must
 * pass or nothing is registered (StepRejectedError: the run is `rejected`, not
 * retried). On a pass the version is registered with its metrics, its
 * manifest (and so its baseline statistics for drift monitors) and lineage,
 * and `alias` is moved to it: `candidate` for train-then-serve, `production`
 * for training-to-serving.
 */
export const register: BuiltinStep = {
  outputs: ['registered'],
  validate: (settings) => void validateRegisterSettings(settings),
  run: async (ctx: StepContext) => {
    const settings = registerSettingsOf(ctx.params);
    const modelDir = requiredInput(ctx, 'model');
    const out = ctx.outputs.registered;
    if (out === undefined) throw new Error('register: the runner gave no folder for output "registered"');
    const pkg = await readPackage(modelDir);
    const metrics = { ...pkg.manifest.metrics, ...(await readMetrics(ctx)) };
    const opened = await openRegistry(registryStorage(ctx.storage));
    try {
      const { registry } = opened;
      const production = await productionOf(registry, settings.name);
      const gate = checkGates(settings.gate, metrics, production);
      for (const g of gate) if (g.skipped !== undefined) ctx.log(`gate rule ${g.gate} skipped: ${g.skipped}`);
      const failed = gate.filter((g) => !g.passed);
      if (failed.length > 0) {
        throw new StepRejectedError(`${settings.name}: the evaluation gate failed (${failed.length} of ${gate.length} rules), nothing registered`, failed.map(describeGate));
      }
      if (pkg.manifest.baseline === undefined) ctx.log('the package has no baseline statistics: drift monitors will have no reference for this version');
      const value = await registerVersion(ctx, registry, settings, modelDir, metrics, gate, production, pkg.manifest);
      await mkdir(out, { recursive: true });
      await writeFile(path.join(out, REGISTERED_FILE), `${JSON.stringify(value, null, 2)}\n`);
      ctx.log(`registered ${value.name}:${value.version}${value.created ? '' : ' (these bytes were already that version)'}${value.alias !== null ? `, ${value.name}@${value.alias} -> ${value.version}` : ''}`);
      return { metrics: { version: value.version } };
    } finally {
      await opened.close();
    }
  },
};

async function registerVersion(
  ctx: StepContext,
  registry: Registry,
  settings: RegisterSettings,
  modelDir: string,
  metrics: Readonly<Record<string, number>>,
  gate: readonly GateResult[],
  production: ProductionMetrics | undefined,
  manifest: { params?: Record<string, unknown> | undefined; dataset?: string | undefined },
): Promise<RegisteredValue> {
  const source = `pipeline ${ctx.run.pipeline} run ${ctx.run.id}`;
  const alias = settings.alias === 'none' ? null : settings.alias;
  const gateText = gate.length === 0 ? 'no gate' : `gate ${gate.map(describeGate).join(', ')}`;
  const version = await registry.register({
    name: settings.name,
    path: modelDir,
    // What is validated is the staged copy that gets stored: the runtime loads it once.
    validate: (dir) => validatePackage(dir),
    metrics,
    source,
    params: { ...manifest.params, lineage: await lineage(ctx) },
    ...(manifest.dataset !== undefined ? { dataset: manifest.dataset } : {}),
    ...(settings.description !== undefined ? { description: settings.description } : {}),
    tags: { pipeline: ctx.run.pipeline, run: ctx.run.id },
    ...(alias !== null ? { alias: [alias] } : {}),
    actor: `pipeline ${ctx.run.pipeline}`,
    reason: `${source}, step ${ctx.step}: ${gateText}`,
  });
  return {
    name: version.name,
    version: version.version,
    digest: version.digest,
    created: version.created,
    alias,
    gate,
    production: production?.version ?? null,
    source,
  };
}

/** The run and the content digests of the inputs: enough to find the exact model and metrics a version came from. */
async function lineage(ctx: StepContext): Promise<Record<string, unknown>> {
  const inputs: Record<string, string> = {};
  for (const [name, dir] of Object.entries(ctx.inputs)) inputs[name] = (await digestArtifact(dir)).digest;
  return { pipeline: ctx.run.pipeline, run: ctx.run.id, step: ctx.step, inputs };
}

/** The version `production` names, or `undefined` when the model or the alias does not exist yet. */
async function productionOf(registry: Registry, name: string): Promise<ProductionMetrics | undefined> {
  try {
    const version = await registry.get(`${name}@production`);
    return { version: version.version, metrics: version.metrics };
  } catch (err) {
    if (err instanceof MlError && (err.code === 'MODEL_NOT_FOUND' || err.code === 'ALIAS_NOT_FOUND')) return undefined;
    throw err;
  }
}

/** `metrics.json` of the `metrics` input: a flat object of finite numbers. No `metrics` input: none. */
async function readMetrics(ctx: StepContext): Promise<Record<string, number>> {
  const dir = ctx.inputs.metrics;
  if (dir === undefined) return {};
  const invalid = (reason: string): MlError => new MlError('STEP_INPUT_INVALID', { step: ctx.step, input: 'metrics', reason });
  const text = await readFile(path.join(dir, METRICS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) throw invalid(`has no ${METRICS_FILE} (write {"accuracy": 0.95, …} into the metrics output folder)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid(`${METRICS_FILE} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`${METRICS_FILE} must be an object of metric names to numbers`);
  const bad = Object.entries(parsed).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad.length > 0) throw invalid(`${METRICS_FILE}: ${bad.map(([k]) => `"${k}"`).join(', ')} ${bad.length === 1 ? 'is not a finite number' : 'are not finite numbers'}`);
  return parsed as Record<string, number>;
}

function requiredInput(ctx: StepContext, name: string): string {
  const dir = ctx.inputs[name];
  if (dir === undefined) throw new MlError('STEP_INPUT_INVALID', { step: ctx.step, input: name, reason: `is missing: give it in inputs: (e.g. ${name}: train.${name})` });
  return dir;
}

/** The registry the run's stores belong to (the same state dir, or the metadata/artifact URLs it was given). */
function registryStorage(storage: PipelineStorage): { stateDir: string; metadata?: string; artifacts?: string } {
  return {
    stateDir: storage.stateDir,
    ...(storage.metadata !== undefined ? { metadata: storage.metadata } : {}),
    ...(storage.artifacts !== undefined ? { artifacts: storage.artifacts } : {}),
  };
}
