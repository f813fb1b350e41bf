import { Cron } from 'croner';
import { metadataUrlOf, openEvaluationStore } from '../adapters/open-evaluation-store.js';
import { openRegistry } from '../app/open-registry.js';
import type { Config } from '../config/schema.js';
import { readPackage, type ModelPackage } from '../package/read-package.js';
import { loadModel } from '../serving/load-model.js';
import type { LoadedModel } from '../serving/loaded-model.js';
import { modelScorer, type OutlierScorer } from './outlier-rate.js';
import type { EvaluationStore } from '../ports/evaluation-store.js';
import type { EventLog } from '../ports/event-log.js';
import { openEventLog } from '../predlog/open-event-log.js';
import type { AlertSinkOptions } from './alert-sinks.js';
import { runMonitor, type MonitorRun } from './run-monitor.js';
import type { MonitorConfig } from './schema.js';
import type { TriggerOptions } from './triggers.js';

/** A model of `models:` as a package on disk (its folder, or the registry's local copy for a `ref`). */
async function modelPackage(config: Config, model: string): Promise<ModelPackage> {
  const entry = config.models.find((m) => m.name === model);
  if (!entry) throw new Error(`no model "${model}" in models:`);
  const options = { name: entry.name, ...(entry.labels !== undefined ? { labelsFile: entry.labels } : {}) };
  if (entry.path !== undefined) return readPackage(entry.path, options);
  const opened = await openRegistry(config.storage);
  try {
    return await readPackage((await opened.registry.resolve(entry.ref ?? '')).localPath, options);
  } finally {
    await opened.close();
  }
}

/** The manifest `baseline` of a model of `models:`: read from its package folder, or from the registry for a `ref`. */
export async function modelBaseline(config: Config, model: string): Promise<unknown> {
  const entry = config.models.find((m) => m.name === model);
  if (!entry) throw new Error(`no model "${model}" in models:`);
  if (entry.path !== undefined) return (await readPackage(entry.path, { name: entry.name })).manifest.baseline;
  const opened = await openRegistry(config.storage);
  try {
    return (await opened.registry.get(entry.ref ?? '')).manifest?.baseline;
  } finally {
    await opened.close();
  }
}

export interface MonitorRunnerOptions {
  readonly sinks?: AlertSinkOptions;
  readonly triggerOptions?: TriggerOptions;
  /** Told each run's result (or error), e.g. to print it. */
  readonly onRun?: (run: MonitorRun) => void;
  readonly onError?: (monitor: string, error: Error) => void;
}

/** Runs a config's monitors over its prediction log: once, or on their crons until stopped. */
export class MonitorRunner {
  readonly #config: Config;
  readonly #log: EventLog;
  readonly #options: MonitorRunnerOptions;
  readonly #crons: Cron[] = [];
  /** One run of a monitor at a time: a slow run makes the next tick skip, not pile up. */
  readonly #running = new Set<string>();
  /** Outlier models, loaded on first use and kept until close. */
  readonly #outlierModels = new Map<string, Promise<LoadedModel>>();
  /** The metadata store's evaluation timeline, opened on the first run of a monitor with `evaluation:`. */
  #evaluations: Promise<EvaluationStore> | undefined;

  constructor(config: Config, options: MonitorRunnerOptions = {}) {
    const log = openEventLog(config.logging.predictions, config.storage.stateDir);
    if (!log) throw new Error('monitors read the prediction log, which is off in this config (logging.predictions.store: none)');
    this.#config = config;
    this.#log = log;
    this.#options = options;
  }

  monitors(only?: string): MonitorConfig[] {
    const chosen = this.#config.monitors.filter((m) => only === undefined || m.name === only);
    if (only !== undefined && chosen.length === 0) throw new Error(`no monitor "${only}" in monitors:`);
    return chosen;
  }

  async runOnce(monitor: MonitorConfig, now?: Date): Promise<MonitorRun> {
    const run = await runMonitor(monitor, {
      log: this.#log,
      baseline: await modelBaseline(this.#config, monitor.model),
      stateDir: this.#config.storage.stateDir,
      triggers: this.#config.triggers.filter((t) => t.monitor === monitor.name),
      ...(now !== undefined ? { now } : {}),
      ...(this.#options.sinks !== undefined ? { sinks: this.#options.sinks } : {}),
      // `pipeline:` actions register into this config's registry unless told otherwise.
      triggerOptions: { storage: this.#config.storage, ...this.#options.triggerOptions },
      ...(monitor.outlier !== undefined ? { outlierScorer: await this.#outlierScorer(monitor.outlier.model) } : {}),
      ...(monitor.evaluation !== undefined ? { evaluations: await this.#evaluationStore() } : {}),
    });
    this.#options.onRun?.(run);
    return run;
  }

  async #outlierScorer(model: string): Promise<OutlierScorer> {
    let loaded = this.#outlierModels.get(model);
    if (loaded === undefined) {
      loaded = modelPackage(this.#config, model).then((pkg) => loadModel(pkg, { name: model }));
      this.#outlierModels.set(model, loaded);
      // A failed load is not cached: the next run tries again.
      loaded.catch(() => this.#outlierModels.delete(model));
    }
    return modelScorer(await loaded);
  }

  #evaluationStore(): Promise<EvaluationStore> {
    if (this.#evaluations === undefined) {
      const opening = openEvaluationStore(metadataUrlOf(this.#config.storage));
      this.#evaluations = opening;
      // A store that could not be opened (database down) is not kept: the next run tries again.
      opening.catch(() => {
        if (this.#evaluations === opening) this.#evaluations = undefined;
      });
    }
    return this.#evaluations;
  }

  /** Starts each monitor's cron. */
  start(only?: string): void {
    for (const monitor of this.monitors(only)) {
      this.#crons.push(
        new Cron(monitor.schedule, { protect: true }, async () => {
          if (this.#running.has(monitor.name)) return;
          this.#running.add(monitor.name);
          try {
            await this.runOnce(monitor);
          } catch (err) {
            this.#options.onError?.(monitor.name, err as Error);
          } finally {
            this.#running.delete(monitor.name);
          }
        }),
      );
    }
  }

  async close(): Promise<void> {
    for (const cron of this.#crons) cron.stop();
    const models = await Promise.allSettled(this.#outlierModels.values());
    await Promise.all(models.flatMap((m) => (m.status === 'fulfilled' ? [m.value.dispose()] : [])));
    const evaluations = await this.#evaluations?.catch(() => undefined);
    await evaluations?.close();
    await this.#log.close();
  }
}
