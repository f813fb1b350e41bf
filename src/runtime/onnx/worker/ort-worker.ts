/**
 * The worker-thread side of OrtWorkerPool: one onnxruntime session, created
 * from the shared model bytes, answering one run at a time. Loaded as the
 * thread's entry (see worker-entry.ts); it imports nothing but onnxruntime,
 * to keep thread start-up short.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { OrtTensorClass } from '../ort-tensor-class.js';
import { transferList, type FromWorker, type RunRequest, type ToWorker, type WireError, type WireTensor, type WorkerData } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('ort-worker is the entry of a worker thread: start it through OrtWorkerPool');
const init = workerData as WorkerData;

/** Raises the busy flag around a native call, so that process exit waits for it (exit-guard.ts). */
async function native<T>(call: () => Promise<T>): Promise<T> {
  Atomics.store(init.busy, 0, 1);
  try {
    return await call();
  } finally {
    Atomics.store(init.busy, 0, 0);
    Atomics.notify(init.busy, 0);
  }
}

function wireError(err: unknown): WireError {
  return { message: err instanceof Error ? err.message : String(err) };
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  try {
    port?.postMessage(message, transfer);
  } catch (err) {
    // A buffer onnxruntime does not let go of (not detachable) is copied instead.
    if (transfer.length > 0) port?.postMessage(message);
    else throw err;
  }
}

async function openSession(): Promise<InferenceSession | undefined> {
  try {
    // onnxruntime does not read from a SharedArrayBuffer: copy the bytes out; the
    // copy is garbage once the session holds the graph.
    return await native(() => ort.InferenceSession.create(new Uint8Array(init.model).slice(), init.sessionOptions));
  } catch (err) {
    post({ kind: 'load-failed', error: wireError(err) });
    return undefined;
  }
}

async function run(session: InferenceSession, request: RunRequest): Promise<void> {
  try {
    const feeds: Record<string, OrtTensor> = {};
    for (const input of request.inputs) {
      feeds[input.name] = new OrtTensorClass(input.dtype as OrtTensor.Type, input.data as OrtTensor.DataType, input.shape);
    }
    const results = await native(() => session.run(feeds, [...request.outputs]));
    const outputs: WireTensor[] = Object.entries(results).map(([name, value]) => ({
      name,
      dtype: value.type,
      shape: value.dims,
      data: value.data,
    }));
    // The result buffers are this thread's own (fresh from onnxruntime): handing them over costs nothing.
    post({ kind: 'result', id: request.id, outputs }, transferList(outputs));
  } catch (err) {
    post({ kind: 'failed', id: request.id, error: wireError(err) });
  }
}

const session = await openSession();
if (session === undefined) {
  port.close();
} else {
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'run') {
      void run(session, message);
    } else if (message.kind === 'crash') {
      throw new Error('crash requested by a test');
    } else {
      // Closing the port leaves the thread nothing to wait for: it ends by itself.
      const end = (): void => port.close();
      native(() => session.release()).then(end, end);
    }
  });
  post({ kind: 'ready' });
}
