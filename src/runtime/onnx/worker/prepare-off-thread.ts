import { Worker } from 'node:worker_threads';
import { MlError } from '../../../errors/ml-error.js';
import type { OnnxModelInfo } from '../../../onnx/inspect.js';
import type { PrepareReply, PrepareRequest } from './protocol.js';
import { workerEntry } from './worker-entry.js';

export interface PreparedOffThread {
  /** In shared memory: OrtWorkerPool uses it without a copy. */
  readonly bytes: Uint8Array;
  readonly rewrites: readonly string[];
  readonly info: OnnxModelInfo;
}

/**
 * prepareForServing and inspectDecoded in a short-lived worker thread: decoding
 * a big model's protobuf takes the main thread tens of milliseconds per 10 MB.
 * Errors are prepareForServing's own (MlError codes and parameters kept).
 * `bytes` is copied to the thread, never transferred: it may be the caller's.
 */
export function prepareOffThread(bytes: Uint8Array, path: string): Promise<PreparedOffThread> {
  const entry = workerEntry('prepare-worker');
  const worker = new Worker(entry.url, { argv: entry.argv, workerData: { bytes, path } satisfies PrepareRequest, execArgv: [] });
  return new Promise<PreparedOffThread>((resolve, reject) => {
    worker.once('message', (reply: PrepareReply) => {
      if (reply.kind === 'prepared') resolve(reply);
      else if (reply.error.code !== undefined) reject(new MlError(reply.error.code, reply.error.params));
      else reject(new Error(reply.error.message));
    });
    worker.once('error', (err) => reject(new MlError('INVALID_MODEL_FILE', { path, reason: `preparing the model failed: ${err.message}` }, { cause: err })));
    // Settled already when it answered; otherwise it died without a word.
    worker.once('exit', (code) => reject(new MlError('INVALID_MODEL_FILE', { path, reason: `preparing the model stopped (exit code ${code})` })));
  });
}
