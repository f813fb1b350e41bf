import type { PipelineEvent } from '../runner/events.js';
import { lineView } from './line-view.js';
import { ttyView } from './tty-view.js';

/** Shows a run while it goes; `close` stops timers and leaves the screen clean for the summary. */
export interface ProgressView {
  onEvent(event: PipelineEvent): void;
  close(): void;
}

/** The live, redrawn step list on a terminal; one line per event elsewhere. */
export function progressView(out: NodeJS.WriteStream): ProgressView {
  return out.isTTY && process.env.TERM !== 'dumb' ? ttyView(out) : lineView(out);
}
