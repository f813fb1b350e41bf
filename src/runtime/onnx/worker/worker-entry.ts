/** The worker threads' entry files, beside this module. */
export type WorkerEntryName = 'ort-worker' | 'prepare-worker';

export interface WorkerEntry {
  readonly url: URL;
  /** The thread's argv (the bootstrap reads its target from it). */
  readonly argv: string[];
}

/**
 * Compiled (dist/): `<name>.js` itself. From TypeScript sources (vitest, tsx,
 * the bench): tsx-bootstrap.mjs, which registers tsx in the thread and then
 * imports `<name>.ts`, named in argv.
 */
export function workerEntry(name: WorkerEntryName, moduleUrl: string = import.meta.url): WorkerEntry {
  const fromSource = /\.[mc]?ts$/.test(new URL(moduleUrl).pathname);
  if (!fromSource) return { url: new URL(`./${name}.js`, moduleUrl), argv: [] };
  return { url: new URL('./tsx-bootstrap.mjs', moduleUrl), argv: [new URL(`./${name}.ts`, moduleUrl).href] };
}
