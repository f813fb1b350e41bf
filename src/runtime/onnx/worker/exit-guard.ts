/**
 * Process exit while a worker thread is inside onnxruntime's native code (a run,
 * or creating a session) aborts the whole process: Node stops the thread, the
 * native call then fails to hand its result back through N-API and
 * onnxruntime-node does not catch that ("terminate called after throwing an
 * instance of 'Napi::Error'", exit code 134 instead of the one asked for).
 *
 * Each thread raises a shared flag around its native calls; on 'exit' (which
 * runs before Node stops the threads) the main thread waits, bounded, for the
 * flags to drop. Nothing waits on signals that kill the process outright.
 */

/** Longest wait at exit for a native call in progress to return. */
const EXIT_WAIT_MS = 10_000;

const flags = new Set<Int32Array>();
let installed = false;

/** A flag for one thread: index 0 is 1 while the thread is inside a native call. */
export function newBusyFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Waits at process exit until `flag` is down; returns the function that stops watching it. */
export function guardExit(flag: Int32Array): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', waitForNativeCalls);
  }
  flags.add(flag);
  return () => flags.delete(flag);
}

function waitForNativeCalls(): void {
  const deadline = Date.now() + EXIT_WAIT_MS;
  for (const flag of flags) {
    // Blocking is allowed here: the process is exiting, nothing else is left to run.
    while (Atomics.load(flag, 0) === 1 && Date.now() < deadline) Atomics.wait(flag, 0, 1, deadline - Date.now());
  }
}
