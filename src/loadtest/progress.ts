import type { LoadProgress } from './run-load.js';

/**
 * Progress on a stream: on a terminal one line rewritten in place each second,
 * elsewhere (CI logs, pipes) one plain line a second.
 */
export function progressWriter(stream: NodeJS.WriteStream): { update: (p: LoadProgress) => void; done: () => void } {
  const tty = stream.isTTY === true;
  let wrote = false;
  return {
    update(p) {
      const line = `[${p.elapsedS.toFixed(0)}s] sent ${p.sent} (${p.ratePerS.toFixed(1)}/s)  ok ${(p.okRatio * 100).toFixed(1)}%  p99 ${(p.p99Us / 1000).toFixed(2)} ms`;
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      wrote = true;
    },
    done() {
      if (tty && wrote) stream.write('\n');
    },
  };
}
