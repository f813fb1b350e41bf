import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { OutputRow, OutputWriter } from './output-writer.js';

/**
 * A JSON Lines or CSV output: each shard is written to its own part file
 * (atomically: written aside, then renamed), and `finish` concatenates the
 * parts in input order into the output (again written aside and renamed), so
 * a killed run never leaves a half-written output and every key is there once.
 */
export function fileWriter(format: 'jsonl' | 'csv', output: string, partsDir: string, keyColumn: string): OutputWriter {
  // Parts hold the output's own lines, so assembling them is a plain concatenation.
  const line = format === 'csv' ? csvLine : (r: OutputRow): string => jsonLine(r, keyColumn);
  return {
    write: async (shard, rows) => {
      await mkdir(partsDir, { recursive: true });
      const part = path.join(partsDir, `${shard}.part`);
      await writeFile(`${part}.tmp`, rows.map(line).join(''));
      await rename(`${part}.tmp`, part);
    },
    finish: async (shards, complete) => {
      await mkdir(path.dirname(output), { recursive: true });
      const aside = `${output}.tmp-${process.pid}`;
      const out = createWriteStream(aside);
      if (format === 'csv') await put(out, `${[keyColumn, 'prediction', 'label'].map(csvCell).join(',')}\n`);
      for (const shard of shards) await put(out, await readFile(path.join(partsDir, `${shard}.part`)));
      out.end();
      await once(out, 'finish');
      await rename(aside, output);
      // An incomplete run keeps its parts: the next invocation writes only the missing shards.
      if (complete) await rm(partsDir, { recursive: true, force: true });
    },
    close: async () => undefined,
  };
}

async function put(out: NodeJS.WritableStream, data: string | Buffer): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

function jsonLine(row: OutputRow, keyColumn: string): string {
  return `${JSON.stringify({ [keyColumn]: row.key, prediction: row.prediction, ...(row.label != null ? { label: row.label } : {}) })}\n`;
}

function csvLine(row: OutputRow): string {
  const prediction = typeof row.prediction === 'string' ? row.prediction : JSON.stringify(row.prediction);
  return `${[String(row.key), prediction, row.label ?? ''].map(csvCell).join(',')}\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
