/**
 * A one-shot worker thread: decodes a model, applies the load-time rewrites and
 * reads its interface (prepareForServing, inspectDecoded), so that a big
 * model's protobuf decoding does not stall the event loop either. It answers
 * once and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isMlError } from '../../../errors/ml-error.js';
import { inspectDecoded } from '../../../onnx/inspect.js';
import { prepareForServing } from '../../../onnx/rewrite.js';
import type { PrepareReply, PrepareRequest } from './protocol.js';

const { bytes, path } = workerData as PrepareRequest;

function prepare(): PrepareReply {
  try {
    const prepared = prepareForServing(bytes, path);
    const info = inspectDecoded(prepared.model, path);
    // Straight into shared memory: the pool's threads, and their replacements, read it from there.
    const shared = new Uint8Array(new SharedArrayBuffer(prepared.bytes.byteLength));
    shared.set(prepared.bytes);
    return { kind: 'prepared', bytes: shared, rewrites: prepared.rewrites, info };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'failed', error: isMlError(err) ? { message, code: err.code, params: err.params } : { message } };
  }
}

parentPort?.postMessage(prepare());
