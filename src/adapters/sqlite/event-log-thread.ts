import { Worker } from 'node:worker_threads';
import type { PredictionBatch } from '../../ports/event-log-batch.js';
import type { PredictionRecord } from '../../ports/event-log.js';
import type { WriterReply, WriterRequest } from './event-log-writer.js';

/**
 * The writer thread of a SqliteEventLog: appends go there by message and
 * resolve when its transaction has committed. Started on first use.
 */
export class EventLogWriterThread {
  readonly #path: string;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

  constructor(path: string) {
    this.#path = path;
  }

  append(records: readonly PredictionRecord[]): Promise<void> {
    return this.#send({ records });
  }

  /**
   * One string and one array of numbers cross to the thread: cloning the string
   * is a copy, the numbers' buffer is handed over (the batch is not used after).
   */
  appendBatch(batch: PredictionBatch): Promise<void> {
    return this.#send({ batch }, batch.numbers ? [batch.numbers.buffer as ArrayBuffer] : []);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await this.#send({ close: true }).catch(() => undefined);
    // The thread may have exited by itself after closing (its exit handler clears #worker).
    await worker.terminate();
    this.#worker = undefined;
  }

  #send(request: Omit<WriterRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<void> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies WriterRequest, transfer);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const entry = writerEntry();
    const worker = new Worker(entry.url, { argv: entry.argv, workerData: { path: this.#path }, execArgv: [] });
    // An idle writer must not keep the process alive; pending appends still hold it through their promises' owners.
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    const failAll = (err: Error): void => {
      for (const waiter of this.#waiting.values()) waiter.reject(err);
      this.#waiting.clear();
      this.#worker = undefined; // the next append starts a new thread
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`prediction log writer thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}

/** Compiled: the .js writer itself; from TypeScript sources (tests, tsx), through the onnx workers' tsx bootstrap. */
function writerEntry(): { url: URL; argv: string[] } {
  const fromSource = /\.[mc]?ts$/.test(new URL(import.meta.url).pathname);
  if (!fromSource) return { url: new URL('./event-log-writer.js', import.meta.url), argv: [] };
  return { url: new URL('../../runtime/onnx/worker/tsx-bootstrap.mjs', import.meta.url), argv: [new URL('./event-log-writer.ts', import.meta.url).href] };
}
