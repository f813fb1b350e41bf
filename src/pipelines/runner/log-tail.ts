/**
 * The last lines a step logged, kept for its run record and error messages.
 * Long lines are cut so that one runaway print cannot bloat a record.
 */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly limit = 50,
    private readonly maxLineLength = 1000,
  ) {}

  /** Adds a message; one with newlines adds several lines. */
  add(message: string): string[] {
    const added = message.split(/\r?\n/).map((line) => (line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line));
    this.lines.push(...added);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
    return added;
  }

  /**
   * Adds a chunk of a stream: complete lines now, the unfinished end once the
   * next chunk (or `flush`) completes it. Returns the lines added.
   */
  addChunk(chunk: string): string[] {
    const text = this.partial + chunk;
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.partial = text;
      return [];
    }
    this.partial = text.slice(end + 1);
    return this.add(text.slice(0, end));
  }

  flush(): string[] {
    if (this.partial === '') return [];
    const rest = this.partial;
    this.partial = '';
    return this.add(rest);
  }

  tail(count = this.limit): string[] {
    return this.lines.slice(-count);
  }
}

/** The last stderr lines, as the end of an error message (`''` when there were none). */
export function stderrText(lines: readonly string[]): string {
  const shown = lines.filter((line) => line.trim() !== '').slice(-10);
  return shown.length === 0 ? '' : `; last stderr lines:\n${shown.map((line) => `    ${line}`).join('\n')}`;
}
