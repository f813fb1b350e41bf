import type { InferenceSession } from 'onnxruntime-node';
import { transferList, type WireTensor, type WorkerInit } from './protocol.js';
import { WorkerSlot, type PendingRun } from './worker-slot.js';

export interface OrtWorkerPoolOptions {
  /** The model as onnxruntime should load it (after prepareForServing). */
  readonly model: Uint8Array;
  /** onnxruntime's session options, as toOrtSessionOptions makes them. */
  readonly sessionOptions?: InferenceSession.SessionOptions;
  /** Worker threads, each with its own session. @default 1 */
  readonly threads?: number;
}

type PoolState = 'open' | 'closing' | 'closed';

/**
 * onnxruntime sessions in worker threads, so that a model computing never
 * blocks the event loop (onnxruntime-node's `run` is synchronous on the calling
 * thread), and session creation happens off it too.
 *
 * A run goes to an idle thread, else waits in a FIFO queue. Inputs are copied
 * into buffers the pool owns and transferred; results come back transferred.
 * A thread that dies rejects its run and is replaced.
 */
export class OrtWorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  private readonly queue: PendingRun[] = [];
  private state: PoolState = 'open';
  private nextId = 1;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  private constructor(
    private readonly init: WorkerInit,
    private readonly threads: number,
  ) {}

  /**
   * Starts the threads and waits until every one holds a session.
   * @throws Error onnxruntime's load error (every thread is stopped first).
   */
  static async create(options: OrtWorkerPoolOptions): Promise<OrtWorkerPool> {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`workerThreads must be a positive integer, not ${threads}`);
    const model = sharedCopy(options.model);
    const pool = new OrtWorkerPool({ model, sessionOptions: options.sessionOptions ?? {} }, threads);
    const slots = Array.from({ length: threads }, () => pool.spawn());
    try {
      await Promise.all(slots.map((slot) => slot.ready));
    } catch (err) {
      await pool.stopNow(err as Error);
      throw err;
    }
    return pool;
  }

  /** Threads alive (loading, idle or running); 0 once disposed. */
  get liveWorkers(): number {
    return this.slots.size;
  }

  /** Threads running a request now. */
  get busyWorkers(): number {
    let busy = 0;
    for (const slot of this.slots) if (slot.isBusy) busy++;
    return busy;
  }

  /** Runs waiting for an idle thread. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Runs the session on these inputs. The caller's buffers are copied, never
   * transferred: they may be views into a request body or a shared batch.
   * @throws Error onnxruntime's error, a died thread's, or "disposed".
   */
  run(inputs: readonly WireTensor[], outputs: readonly string[]): Promise<readonly WireTensor[]> {
    if (this.state !== 'open') return Promise.reject(new Error('the onnxruntime worker pool is disposed'));
    const owned = inputs.map(ownCopy);
    return new Promise<readonly WireTensor[]>((resolve, reject) => {
      this.queue.push({ request: { kind: 'run', id: this.nextId++, inputs: owned, outputs }, transfer: transferList(owned), resolve, reject });
      // Threads lost to failed replacements are started again on demand.
      while (this.slots.size < this.threads) this.spawn();
      this.dispatch();
    });
  }

  /**
   * Stops accepting runs, lets queued and running ones finish, then releases the
   * sessions and ends the threads. A second call while the first is waiting
   * gives up on them: every pending run is rejected at once, and each thread
   * ends as soon as its current onnxruntime call returns (a native call cannot
   * be interrupted safely). Either call resolves once every thread has ended.
   */
  dispose(): Promise<void> {
    if (this.state === 'closing') return this.stopNow(new Error('the onnxruntime worker pool was disposed during the run'));
    if (this.state === 'closed') return this.closed ?? Promise.resolve();
    this.state = 'closing';
    this.closed = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    this.closeIfDrained();
    return this.closed;
  }

  /**
   * Test hook: thread `index` dies (of an uncaught error) before it takes its
   * next message, so a run dispatched to it right after is the one a crash
   * interrupts: rejected, and the thread replaced. Resolves once it has died.
   */
  crashWorkerForTest(index = 0): Promise<void> {
    const slot = [...this.slots][index];
    if (slot === undefined) return Promise.reject(new Error(`no worker ${index}`));
    return slot.crashForTest();
  }

  private spawn(): WorkerSlot {
    const slot = new WorkerSlot(this.init, {
      onIdle: () => {
        this.dispatch();
      },
      onExit: (exited, reason, loaded) => {
        this.slots.delete(exited);
        this.onSlotExit(reason, loaded);
      },
    });
    this.slots.add(slot);
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      const job = slot.isIdle ? this.queue.shift() : undefined;
      if (job !== undefined) slot.run(job);
    }
    this.closeIfDrained();
  }

  private onSlotExit(reason: Error, loaded: boolean): void {
    if (this.state === 'closed') {
      if (this.slots.size === 0) this.resolveClosed?.();
      return;
    }
    // A died worker is replaced (it loaded once, so its replacement will); one
    // that could not load is not retried here, or a broken load would loop.
    if (this.state === 'open' && loaded) this.spawn();
    // Nothing left to run the queue: fail it rather than leave it hanging.
    if (this.slots.size === 0) for (const job of this.queue.splice(0)) job.reject(reason);
    this.closeIfDrained();
  }

  private closeIfDrained(): void {
    if (this.state !== 'closing' || this.queue.length > 0) return;
    for (const slot of this.slots) if (slot.isBusy) return;
    this.state = 'closed';
    if (this.slots.size === 0) this.resolveClosed?.();
    for (const slot of this.slots) void slot.close();
  }

  /** Rejects every pending run now; the threads end as soon as onnxruntime returns (see WorkerSlot.abort). */
  private stopNow(reason: Error): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    this.state = 'closed';
    for (const job of this.queue.splice(0)) job.reject(reason);
    if (this.slots.size === 0) this.resolveClosed?.();
    for (const slot of this.slots) void slot.abort(reason);
    return this.closed;
  }
}

/** One shared copy serves every thread and every replacement; bytes already shared whole are used as they are. */
function sharedCopy(bytes: Uint8Array): SharedArrayBuffer {
  if (bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
  const shared = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(shared).set(bytes);
  return shared;
}

/**
 * A copy of the tensor in a fresh buffer of exactly its bytes, which the pool
 * may transfer. string[] is left as is: postMessage clones it.
 */
function ownCopy(tensor: WireTensor): WireTensor {
  if (!ArrayBuffer.isView(tensor.data)) return tensor;
  const data = (tensor.data as unknown as { slice(): ArrayBufferView }).slice();
  return { name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, data };
}
