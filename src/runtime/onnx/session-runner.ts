import ort from 'onnxruntime-node';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { OrtTensorLike } from './ort-tensor-class.js';
import { toOrtSessionOptions, type OnnxExecutor, type OnnxSessionOptions } from './session-options.js';
import { OrtWorkerPool } from './worker/ort-worker-pool.js';
import type { WireTensor } from './worker/protocol.js';

/**
 * Where an onnxruntime session runs, behind one interface: on the main thread
 * (inline) or in worker threads. The serving function validates and converts
 * around it identically for both, so results and errors do not depend on it.
 */
export interface SessionRunner {
  readonly executor: OnnxExecutor;
  /** The worker pool, for executor "worker" (diagnostics and tests). */
  readonly pool?: OrtWorkerPool;
  /** @throws Error onnxruntime's (or a died worker's) error, to be wrapped by the caller. */
  run(feeds: Readonly<Record<string, OrtTensor>>, fetches: readonly string[]): Promise<Readonly<Record<string, OrtTensorLike>>>;
  /** See OrtWorkerPool.dispose for a second call while runs are pending. */
  dispose(): Promise<void>;
}

/**
 * Creates the session(s) for the prepared model bytes.
 * @throws Error onnxruntime's load error, to be wrapped by the caller.
 */
export async function openSessionRunner(model: Uint8Array, options: OnnxSessionOptions = {}): Promise<SessionRunner> {
  const sessionOptions = toOrtSessionOptions(options);
  if ((options.executor ?? 'worker') === 'inline') {
    return new InlineRunner(await ort.InferenceSession.create(model, sessionOptions));
  }
  return new WorkerRunner(await OrtWorkerPool.create({ model, sessionOptions, threads: options.workerThreads ?? 1 }));
}

class InlineRunner implements SessionRunner {
  readonly executor = 'inline';
  private released = false;

  constructor(private readonly session: InferenceSession) {}

  run(feeds: Readonly<Record<string, OrtTensor>>, fetches: readonly string[]): Promise<InferenceSession.ReturnType> {
    return this.session.run(feeds, [...fetches]);
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

class WorkerRunner implements SessionRunner {
  readonly executor = 'worker';

  constructor(readonly pool: OrtWorkerPool) {}

  async run(feeds: Readonly<Record<string, OrtTensor>>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike>> {
    // The ort.Tensors were built on this thread only to validate the inputs
    // exactly as inline does; their data goes over as is (the pool copies it).
    const inputs: WireTensor[] = Object.entries(feeds).map(([name, t]) => ({ name, dtype: t.type, shape: t.dims, data: t.data }));
    const outputs = await this.pool.run(inputs, fetches);
    const results: Record<string, OrtTensorLike> = {};
    for (const o of outputs) {
      results[o.name] = { type: o.dtype as OrtTensor.Type, dims: o.shape, data: o.data as OrtTensor.DataType };
    }
    return results;
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}
