import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One reported row: its number in the input (see InputRecord), its key when known, and why. */
export interface RowError {
  readonly row: number;
  readonly key?: unknown;
  readonly error: string;
}

/**
 * The error file of a run (JSON Lines, one reported row per line), rewritten
 * by each invocation: a resumed run reads the whole input again and reports
 * every bad row again, so the file always covers the whole input.
 */
export class ErrorFile {
  readonly #fd: number;
  count = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'w');
  }

  add(entry: RowError): void {
    this.count++;
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
