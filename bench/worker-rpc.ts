import { fork, type ChildProcess } from 'node:child_process';
import { stopChild, track } from './children.js';

/** One request to a worker process and its answer; ids pair them up. */
interface Call<Job> {
  readonly id: number;
  readonly job: Job;
}
type Reply<Result> = { readonly id: number; readonly result: Result } | { readonly id: number; readonly error: string };

/**
 * A TypeScript worker in its own Node process (run through tsx), answering
 * jobs one at a time over IPC. The load generator lives in one so that its
 * CPU use is a separate process like any real client's, and the orchestrator's
 * own work (RSS sampling, bookkeeping) does not disturb its timing.
 */
export class WorkerProcess<Job, Result> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Reply<Result>) => {
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id);
      if ('error' in message) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code, signal) => {
      const error = new Error(`worker exited (code ${String(code)}, signal ${String(signal)})`);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  static start<Job, Result>(file: string): WorkerProcess<Job, Result> {
    const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new WorkerProcess<Job, Result>(track(child));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call(job: Job): Promise<Result> {
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job } satisfies Call<Job>);
    });
  }

  async stop(): Promise<void> {
    this.child.disconnect();
    await stopChild(this.child, 2000);
  }
}

/** The worker side: answers each job with handler's result (or its error message); exits when the parent goes. */
export function serveJobs<Job, Result>(handler: (job: Job) => Promise<Result>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this file is a bench worker: start it with child_process.fork');
  let queue = Promise.resolve();
  process.on('message', (message: Call<Job>) => {
    // One job at a time: two loads at once would measure each other.
    queue = queue.then(async () => {
      let reply: Reply<Result>;
      try {
        reply = { id: message.id, result: await handler(message.job) };
      } catch (err) {
        reply = { id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      }
      send(reply);
    });
  });
  process.once('disconnect', () => process.exit(0));
}
