/** Progress lines on stderr ("[3/14] wide MLP c=64 batching on… 10 s"), so stdout keeps only the report. */
export class Progress {
  private readonly started = performance.now();

  constructor(private readonly total: number) {}

  step(index: number, title: string, estimateS: number): void {
    const estimate = estimateS >= 1 ? ` ~${Math.round(estimateS)} s` : '';
    process.stderr.write(`[${index}/${this.total}] ${title}…${estimate} (at ${this.elapsedS().toFixed(1)} s)\n`);
  }

  note(message: string): void {
    process.stderr.write(`      ${message}\n`);
  }

  info(message: string): void {
    process.stderr.write(`bench: ${message}\n`);
  }

  elapsedS(): number {
    return (performance.now() - this.started) / 1000;
  }
}
