import path from 'node:path';
import { NatsEventLog } from '../adapters/nats/event-log.js';
import { RedisEventLog } from '../adapters/redis/event-log.js';
import { SqliteEventLog } from '../adapters/sqlite/event-log.js';
import type { PredictionLogConfig } from '../config/schema.js';
import type { EventLog } from '../ports/event-log.js';

/** The sink `logging.predictions` names; `undefined` for store "none". Opens no connection (adapters connect on first use). */
export function openEventLog(config: PredictionLogConfig, stateDir: string): EventLog | undefined {
  switch (config.store) {
    case 'none':
      return undefined;
    case 'sqlite':
      return new SqliteEventLog({ path: config.path ?? path.join(stateDir, 'predictions.sqlite'), writeOffThread: true });
    case 'nats':
      return new NatsEventLog({ url: config.url ?? 'nats://127.0.0.1:4222', ...(config.stream ? { stream: config.stream } : {}), ...(config.subjectPrefix ? { subjectPrefix: config.subjectPrefix } : {}) });
    case 'redis':
      return new RedisEventLog({ url: config.url ?? 'redis://127.0.0.1:6379', ...(config.stream ? { key: config.stream } : {}) });
  }
}
