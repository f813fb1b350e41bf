/**
 * The process a `run: ./module.ts#export` step runs in (forked by
 * execute-module.ts, with tsx loaded for TypeScript). It imports the module,
 * calls the export with a StepContext whose log/progress/metric go to the
 * parent over IPC, reports the result or error, and exits. Kept free of
 * mlpatterns imports beyond the error helpers, so a step starts fast.
 */
import { pathToFileURL } from 'node:url';
import type { StepContext, StepFunction, StepResult } from '../types.js';
import type { ChildMessage, ParentMessage, RunMessage } from './child-messages.js';
import { serializeError } from './step-errors.js';

const controller = new AbortController();

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(message: RunMessage): Promise<void> {
  const mod = (await import(pathToFileURL(message.module).href)) as Record<string, unknown>;
  const fn = mod[message.exportName];
  if (typeof fn !== 'function') {
    const exported = Object.keys(mod).filter((key) => typeof mod[key] === 'function');
    throw new Error(`${message.module} has no exported function "${message.exportName}" (its functions: ${exported.join(', ') || 'none'})`);
  }
  const ctx: StepContext = {
    ...message.context,
    signal: controller.signal,
    log: (line) => void send({ type: 'log', message: String(line) }),
    progress: (done, total, note) => void send({ type: 'progress', done, total, message: note }),
    metric: (name, value) => void send({ type: 'metric', name, value }),
  };
  const result = (await (fn as StepFunction)(ctx)) as StepResult | undefined;
  await send({ type: 'result', metrics: result?.metrics });
}

// The runner is gone (killed, or quit on a second Ctrl-C): nobody will read the result.
process.on('disconnect', () => process.exit(1));

process.on('message', (message: ParentMessage) => {
  if (message.type === 'abort') {
    controller.abort(new Error('the step was aborted'));
    return;
  }
  run(message).then(
    () => process.exit(0),
    async (err: unknown) => {
      await send({ type: 'error', error: serializeError(err) });
      process.exit(1);
    },
  );
});
