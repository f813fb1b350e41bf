import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads the instances of a dataset file, by extension:
 * - `.jsonl` / `.ndjson`: one JSON instance per line (blank lines skipped);
 * - `.json`: a list of instances, or a request body `{"instances": [...]}`;
 * - `.csv`: a header row, then one object per row keyed by the header, cells
 *   kept as strings (an id "007" must stay "007"; use JSON Lines for numbers).
 * Problems name the file and the line, and throw.
 */
export async function readDataset(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the dataset ${file}: ${(err as Error).message}`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return jsonLines(text, file);
  if (ext === '.json') return jsonList(text, file);
  if (ext === '.csv') return csvRows(text, file);
  throw new Error(`the dataset ${file} must be .jsonl, .json or .csv`);
}

function jsonLines(text: string, file: string): unknown[] {
  const out: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not valid JSON: ${(err as Error).message}`);
    }
  });
  return out;
}

function jsonList(text: string, file: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a list of instances or {"instances": [...]}`);
  return list as unknown[];
}

function csvRows(text: string, file: string): unknown[] {
  const records = parseCsv(text, file).filter((r) => !(r.length === 1 && r[0] === ''));
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((cells, i) => {
    if (cells.length !== header.length) throw new Error(`${file}: row ${i + 2} has ${cells.length} cells, the header ${header.length}`);
    return Object.fromEntries(header.map((name, c) => [name, cells[c]]));
  });
}

/** RFC 4180: quoted cells may hold commas, newlines and doubled quotes. */
function parseCsv(text: string, file: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = (): void => {
    record.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') cell += text[++i];
      else quoted = false;
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endCell();
      records.push(record);
      record = [];
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new Error(`${file}: a quoted cell is not closed`);
  if (cell !== '' || record.length > 0) {
    endCell();
    records.push(record);
  }
  return records;
}
