import type { PredictionRecord } from '../ports/event-log.js';
import type { BaselineFeature } from './baseline.js';

/**
 * The recent values of each feature, read from logged prediction inputs. An
 * instance is a list (features by baseline position) or an object (features by
 * name); values that are not finite numbers (redacted, missing) are left out.
 */
export function featureColumns(records: readonly PredictionRecord[], features: readonly BaselineFeature[]): { instances: number; columns: Map<string, number[]> } {
  const columns = new Map(features.map((f) => [f.name, [] as number[]]));
  let instances = 0;
  for (const record of records) {
    if (record.status !== 'ok' || !Array.isArray(record.inputs)) continue;
    for (const instance of record.inputs as unknown[]) {
      if (instance === null || typeof instance !== 'object') continue;
      instances += 1;
      for (const feature of features) {
        const value = Array.isArray(instance) ? (instance as unknown[])[feature.index] : (instance as Record<string, unknown>)[feature.name];
        if (typeof value === 'number' && Number.isFinite(value)) columns.get(feature.name)?.push(value);
      }
    }
  }
  return { instances, columns };
}
