import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { writeDataFolder } from '../../data/data-folder.js';
import { openDataSource } from '../../data/open-data-source.js';
import { parseSource } from '../../data/parse-source.js';
import { MlError } from '../../errors/ml-error.js';
import type { BuiltinStep, StepContext } from '../types.js';
import { parseSettings } from './settings.js';

/**
 * `uses: read-data` (docs/pipeline-builtins.md): reads a data source
 * (docs/data-sources.md) into the output `data`: `rows.jsonl` + `columns.json`.
 *
 *   load:
 *     uses: read-data
 *     with: { source: ./iris.csv, columns: [sepal_length, species] }
 */
const readDataSettings = z
  .object({
    /** A file (relative to the pipeline file), `postgres://…?query=…|table=…` or `sqlite:path?query=…|table=…`. */
    source: z.string().min(1),
    /** The query of a database source, when not in its URI. */
    query: z.string().min(1).optional(),
    /** Only these columns, in this order. */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** CSV cells: typed per column (`infer`) or kept as text. @default "infer" */
    csvTypes: z.enum(['infer', 'string']).optional(),
  })
  .strict();

type ReadDataSettings = z.output<typeof readDataSettings>;

/** Read-data's own settings out of `ctx.params` (which also holds any pipeline parameters the step lists). */
function settingsOf(params: Readonly<Record<string, unknown>>): ReadDataSettings {
  const { source, query, columns, csvTypes } = params;
  return parseSettings(readDataSettings, { source, query, columns, csvTypes });
}

export const readData: BuiltinStep = {
  outputs: ['data'],
  validate: (settings) => {
    const { source, query } = parseSettings(readDataSettings, settings);
    // The URI's form (scheme, extension, query or table) is known before any file or server is touched.
    try {
      parseSource(source, '.', query);
    } catch (err) {
      throw new Error(err instanceof Error ? err.message : String(err));
    }
  },
  /**
   * A file's bytes enter the cache key, so editing the data re-runs the step
   * and whatever depends on it. A database can change under the same query:
   * no fingerprint, the step always runs (its downstream steps are still
   * reused when it reads the same rows as before).
   */
  fingerprint: async (settings, workDir) => {
    const { source, query } = parseSettings(readDataSettings, settings);
    const location = parseSource(source, workDir, query);
    if (location.kind === 'postgres' || location.kind === 'sqlite') return undefined;
    return fileDigest(location.path, source);
  },
  run: async (ctx: StepContext) => {
    const settings = settingsOf(ctx.params);
    const data = ctx.outputs.data;
    if (data === undefined) throw new Error('read-data: the runner gave no folder for output "data"');
    const source = await openDataSource(settings.source, {
      baseDir: ctx.workDir,
      ...(settings.query !== undefined ? { query: settings.query } : {}),
      ...(settings.columns !== undefined ? { columns: settings.columns } : {}),
      ...(settings.csvTypes !== undefined ? { csvTypes: settings.csvTypes } : {}),
    });
    try {
      const { rows, columns } = await writeDataFolder(data, source, { signal: ctx.signal });
      ctx.log(`read ${rows} rows × ${columns.length} columns (${columns.join(', ')}) from ${source.description}`);
      return { metrics: { rows, columns: columns.length } };
    } finally {
      await source.close();
    }
  },
};

async function fileDigest(file: string, source: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new MlError('DATA_SOURCE_NOT_FOUND', { source, reason: `no such file ${file}` }, { cause: err });
    throw err;
  }
  return `sha256:${hash.digest('hex')}`;
}
