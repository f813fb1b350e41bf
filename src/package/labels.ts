import { readFile } from 'node:fs/promises';

/**
 * Reads class labels from JSON: either a list (`["setosa", ...]`) or an
 * index map (`{"0": "setosa", ...}`, as the reference `label.json`).
 */
export async function readLabelsFile(file: string): Promise<string[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  return parseLabels(raw, file);
}

export function parseLabels(raw: unknown, origin: string): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (raw !== null && typeof raw === 'object') {
    const entries = Object.entries(raw as Record<string, unknown>);
    const labels: string[] = [];
    for (const [key, value] of entries) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
        throw new Error(`${origin}: label keys must be the indexes 0..${entries.length - 1}, got "${key}"`);
      }
      labels[index] = String(value);
    }
    return labels;
  }
  throw new Error(`${origin}: labels must be a JSON list or an {"index": "label"} object`);
}
