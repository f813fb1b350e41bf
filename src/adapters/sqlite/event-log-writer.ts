// The thread SqliteEventLog writes from (`writeOffThread`): inserts, their
// JSON and their index updates cost tens of µs a record, which on the serving
// thread would come straight out of prediction throughput.
import { parentPort, workerData } from 'node:worker_threads';
import type { PredictionRecord } from '../../ports/event-log.js';
import { SqliteEventLog } from './event-log.js';

export interface WriterRequest {
  readonly id: number;
  readonly records?: readonly PredictionRecord[];
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
    const done = msg.close ? log.close() : log.append(msg.records ?? []);
    void done.then(
      () => port.postMessage({ id: msg.id } satisfies WriterReply),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies WriterReply),
    ).then(() => {
      if (msg.close) port.close();
    });
  });
}
