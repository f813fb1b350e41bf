// The thread SqliteEventLog writes from (`writeOffThread`): filing a batch's
// lines, its transaction and the WAL's page writes cost a few µs a record,
// which on the serving thread would come straight out of prediction throughput.
import { parentPort, workerData } from 'node:worker_threads';
import type { PredictionBatch } from '../../ports/event-log-batch.js';
import type { PredictionRecord } from '../../ports/event-log.js';
import { SqliteEventLog } from './event-log.js';

export interface WriterRequest {
  readonly id: number;
  readonly records?: readonly PredictionRecord[];
  /** The prediction logger's batches (appendBatch). */
  readonly batch?: PredictionBatch;
  /** Close the database; the thread then ends. */
  readonly close?: true;
}

export interface WriterReply {
  readonly id: number;
  readonly error?: string;
}

const port = parentPort;
if (port) {
  const log = new SqliteEventLog({ path: (workerData as { path: string }).path });
  port.on('message', (msg: WriterRequest) => {
    const done = msg.close ? log.close() : msg.batch ? log.appendBatch(msg.batch) : log.append(msg.records ?? []);
    void done.then(
      () => port.postMessage({ id: msg.id } satisfies WriterReply),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies WriterReply),
    ).then(() => {
      if (msg.close) port.close();
    });
  });
}
