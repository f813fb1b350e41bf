import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/** Extensions `importModule` accepts. */
export const MODULE_EXTENSIONS = [...TYPESCRIPT, ...JAVASCRIPT] as const;

/** Tells loads of the same file apart, so each gets its own module instance. */
let loads = 0;

/**
 * Imports a user module (a function model or a `module` processing step) by
 * absolute path and returns its namespace. TypeScript goes through tsx's
 * `tsImport`, which compiles on the fly with no build step and without
 * registering tsx for the rest of the process; JavaScript uses plain
 * `import()`. Throws an Error whose message is fit for a `reason`.
 *
 * Every call evaluates the module afresh: the file URL gets a `?load=<n>`
 * query, which gives it its own entry in the ESM cache (tsx's `tsImport`
 * keeps the query too), and a CommonJS file is dropped from `require.cache`
 * first. So the module's top-level state (a session, a pool, a counter)
 * belongs to one load: disposing one model, or loading the same file twice
 * (a reload, two names for one package), never hands one load another's
 * state. Files the module itself imports follow the usual rules: tsx gives
 * a TypeScript module's imports their own instances per load as well, while
 * a JavaScript module's imports are shared across loads by Node's cache.
 * Node cannot unload an ES module, so each load's code stays in memory for
 * the life of the process: `dispose()` must release what is heavy.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file).toLowerCase();
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) {
    throw new Error(`unsupported module extension "${ext}" (use ${MODULE_EXTENSIONS.join(', ')})`);
  }
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw new Error('file not found');
  if (!info.isFile()) throw new Error('not a file');
  const url = `${pathToFileURL(file).href}?load=${++loads}`;
  try {
    let namespace: unknown;
    if (TYPESCRIPT.has(ext)) {
      namespace = esmView(await (await loadTsImport())(url, import.meta.url));
    } else {
      // A CommonJS file (.cjs, or .js outside a "type": "module" package) is cached by path, not URL.
      delete requireCache[file];
      namespace = await import(url);
    }
    return namespace as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot import module: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const requireCache = createRequire(import.meta.url).cache;

/**
 * Outside a `"type": "module"` package, tsx compiles a .ts file as CommonJS and
 * the namespace's `default` is the whole `exports` object (`{ __esModule, default }`);
 * the module's own exports are that object's, as they would be in ESM.
 */
function esmView(namespace: unknown): unknown {
  const inner = (namespace as { default?: unknown } | null)?.default;
  const isCjsExports = inner !== null && typeof inner === 'object' && (inner as { __esModule?: unknown }).__esModule === true;
  return isCjsExports ? inner : namespace;
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
