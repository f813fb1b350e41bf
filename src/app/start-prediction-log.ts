import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ServerMetrics } from '../http/metrics.js';
import { openEventLog } from '../predlog/open-event-log.js';
import { PredictionLogger } from '../predlog/prediction-logger.js';

/** The prediction logger `logging.predictions` asks for, counting losses in the server's metrics; `undefined` for store "none". */
export function startPredictionLog(config: Config, metrics: ServerMetrics, log: Logger | undefined): PredictionLogger | undefined {
  const settings = config.logging.predictions;
  const sink = openEventLog(settings, config.storage.stateDir);
  if (!sink) return undefined;
  let lastWarned = 0;
  return new PredictionLogger({
    sink,
    sampleInputs: settings.sampleInputs,
    redact: settings.redact,
    bufferSize: settings.bufferSize,
    flushMs: settings.flushMs,
    onDrop: (reason, count) => metrics.predictionLogDropped.inc({ reason }, count),
    onSinkError: (err) => {
      // At most one line a minute: a sink that is down fails every flush.
      if (Date.now() - lastWarned < 60_000) return;
      lastWarned = Date.now();
      log?.warn({ err, store: settings.store }, 'prediction log sink failed; records are dropped until it recovers');
    },
  });
}
