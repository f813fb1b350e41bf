import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * The mlpatterns version: a built-in step's code is mlpatterns' own, so its
 * version stands for the built-in's code in the cache key. Same path from
 * src/pipelines/cache and dist/pipelines/cache.
 */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
