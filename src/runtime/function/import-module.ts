import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/** Extensions `importModule` accepts. */
export const MODULE_EXTENSIONS = [...TYPESCRIPT, ...JAVASCRIPT] as const;

/**
 * Imports a user module (a function model or a `module` processing step) by
 * absolute path and returns its namespace. TypeScript goes through tsx's
 * `tsImport`, which compiles on the fly with no build step and without
 * registering tsx for the rest of the process; JavaScript uses plain
 * `import()`. Throws an Error whose message is fit for a `reason`.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file).toLowerCase();
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) {
    throw new Error(`unsupported module extension "${ext}" (use ${MODULE_EXTENSIONS.join(', ')})`);
  }
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw new Error('file not found');
  if (!info.isFile()) throw new Error('not a file');
  const url = pathToFileURL(file).href;
  try {
    const namespace: unknown = TYPESCRIPT.has(ext) ? await (await loadTsImport())(url, import.meta.url) : await import(url);
    return namespace as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot import module: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

type TsImport = (specifier: string, parentURL: string) => Promise<unknown>;

/** tsx is only needed for .ts modules, so it is loaded on first use rather than at startup. */
async function loadTsImport(): Promise<TsImport> {
  try {
    const api = await import('tsx/esm/api');
    return api.tsImport;
  } catch (err) {
    throw new Error('loading a TypeScript module needs the "tsx" package (or ship the module compiled to .js)', {
      cause: err,
    });
  }
}
