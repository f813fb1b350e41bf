import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { EventLog } from '../ports/event-log.js';
import { openEventLog } from '../predlog/open-event-log.js';

/** The config a command reads: the path given, else ./mlpatterns.yaml when there is one. */
export function configFile(configPath: string | undefined): string {
  if (configPath !== undefined) return configPath;
  if (existsSync('mlpatterns.yaml')) return 'mlpatterns.yaml';
  throw new Error('no config: give the mlpatterns.yaml path');
}

/**
 * Runs `use` on the config's prediction log and closes it afterwards. `purpose`
 * ends the error a config with the log switched off gets (": there is nothing to …").
 */
export async function withPredictionLog<T>(config: Config, purpose: string | undefined, use: (sink: EventLog) => Promise<T>): Promise<T> {
  const sink = openEventLog(config.logging.predictions, config.storage.stateDir);
  if (!sink) throw new Error(`the prediction log is off in this config (logging.predictions.store: none)${purpose ? `: there is nothing to ${purpose}` : ''}`);
  try {
    return await use(sink);
  } finally {
    await sink.close();
  }
}
