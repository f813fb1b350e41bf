import { Worker } from 'node:worker_threads';
import { guardExit, newBusyFlag } from './exit-guard.js';
import type { FromWorker, RunRequest, WireTensor, WorkerData, WorkerInit } from './protocol.js';
import { workerEntry } from './worker-entry.js';

/** A run handed to a slot: the request, the buffers it owns, and who waits for it. */
export interface PendingRun {
  readonly request: RunRequest;
  readonly transfer: ArrayBuffer[];
  resolve(outputs: readonly WireTensor[]): void;
  reject(err: Error): void;
}

export interface SlotEvents {
  /** The slot is ready for a run (loaded, or done with the last one). */
  onIdle(slot: WorkerSlot): void;
  /** The thread has ended, asked to or not; `loaded` tells a died worker from one that never loaded. */
  onExit(slot: WorkerSlot, reason: Error, loaded: boolean): void;
}

type SlotState = 'loading' | 'idle' | 'busy' | 'closing' | 'exited';

/**
 * One worker thread holding one onnxruntime session, running one request at a
 * time. The thread keeps the process alive only while it has work (loading,
 * running, closing): an idle pool lets a process exit, as an inline session does.
 */
export class WorkerSlot {
  /** Settles when the session is created; rejects with onnxruntime's load error. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private state: SlotState = 'loading';
  private loaded = false;
  private current: PendingRun | undefined;
  /** Why the thread was stopped on purpose (close, abort) or could not load. */
  private stopReason: Error | undefined;
  /** The uncaught error the thread died of, if any. */
  private crash: Error | undefined;
  private settleReady: { resolve(): void; reject(err: Error): void } | undefined;

  constructor(init: WorkerInit, private readonly events: SlotEvents) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    // A replacement's load failure is handled through onExit; nobody may await `ready`.
    this.ready.catch(() => undefined);
    // Not the parent's execArgv: its flags are for the parent's own entry
    // (`--input-type` with `-e` even makes a worker fail to start), and the
    // thread needs none.
    const busy = newBusyFlag();
    const unguard = guardExit(busy);
    const entry = workerEntry('ort-worker');
    this.worker = new Worker(entry.url, { argv: entry.argv, workerData: { ...init, busy } satisfies WorkerData, execArgv: [] });
    this.worker.on('message', (message: FromWorker) => this.onMessage(message));
    this.worker.on('error', (err) => {
      this.crash = err;
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        unguard();
        this.onExit(code);
        resolve();
      });
    });
  }

  get isIdle(): boolean {
    return this.state === 'idle';
  }

  get isBusy(): boolean {
    return this.state === 'busy';
  }

  run(job: PendingRun): void {
    if (this.state !== 'idle') throw new Error(`onnxruntime worker is ${this.state}, not idle`);
    this.state = 'busy';
    this.current = job;
    this.worker.ref();
    try {
      this.worker.postMessage(job.request, job.transfer);
    } catch (err) {
      // Data that cannot be cloned fails this run only; the thread never saw it.
      this.current = undefined;
      this.becomeIdle();
      job.reject(err as Error);
    }
  }

  /** Releases the session and lets the thread end by itself (after the current run, if any). */
  close(): Promise<void> {
    if (this.state !== 'exited' && this.state !== 'closing') {
      this.state = 'closing';
      this.stopReason ??= new Error('onnxruntime worker closed');
      this.worker.ref();
      this.worker.postMessage({ kind: 'close' });
    }
    return this.exited;
  }

  /**
   * Rejects the run in progress with `reason` now, and closes the thread as soon
   * as onnxruntime returns. Never worker.terminate(): terminating a thread while
   * onnxruntime-node is inside a native call aborts the whole process
   * ("terminate called after throwing an instance of 'Napi::Error'").
   */
  abort(reason: Error): Promise<void> {
    const job = this.current;
    this.current = undefined;
    job?.reject(reason);
    return this.close();
  }

  /** Test hook: the thread dies of an uncaught error before it takes its next message. Resolves once it has. */
  crashForTest(): Promise<void> {
    this.worker.postMessage({ kind: 'crash' });
    return this.exited;
  }

  private onMessage(message: FromWorker): void {
    switch (message.kind) {
      case 'ready':
        this.loaded = true;
        // A slot closed while loading stays closing (and referenced) until it exits.
        if (this.state === 'loading') this.becomeIdle();
        this.settleReady?.resolve();
        return;
      case 'load-failed':
        // The thread closes itself; onExit reports the slot gone.
        this.stopReason = new Error(message.error.message);
        this.settleReady?.reject(this.stopReason);
        return;
      case 'result':
      case 'failed': {
        const job = this.current;
        if (job === undefined || job.request.id !== message.id) return;
        this.current = undefined;
        if (this.state === 'busy') this.becomeIdle();
        if (message.kind === 'result') job.resolve(message.outputs);
        else job.reject(new Error(message.error.message));
        return;
      }
    }
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.worker.unref();
    this.events.onIdle(this);
  }

  private onExit(code: number): void {
    const wasLoading = this.state === 'loading';
    this.state = 'exited';
    const reason =
      this.stopReason ??
      new Error(`onnxruntime worker thread died${this.crash ? `: ${this.crash.message}` : ` (exit code ${code})`}`, {
        cause: this.crash,
      });
    if (wasLoading) this.settleReady?.reject(reason);
    const job = this.current;
    this.current = undefined;
    job?.reject(reason);
    this.events.onExit(this, reason, this.loaded);
  }
}
