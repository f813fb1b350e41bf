import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InputReader, InputRecord } from './input-record.js';
import { countLines } from './count-lines.js';

/** Streams a JSON Lines file: one JSON object per line; blank lines are skipped, a bad line is reported. */
export function jsonlReader(file: string): InputReader {
  return {
    estimateTotal: () => countLines(file),
    rows: () => jsonlRecords(file),
    close: async () => undefined,
  };
}

async function* jsonlRecords(file: string): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      yield { row, error: `not valid JSON: ${(err as Error).message}` };
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield { row, error: 'not a JSON object' };
      continue;
    }
    yield { row, record: parsed as Record<string, unknown> };
  }
}
