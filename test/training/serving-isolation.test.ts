import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Training code must never enter the serving import graph (the "training code in
 * serving" anti-pattern): walk every relative import reachable from the serving
 * entry points and check that none lands in src/training/.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
// The serving entry points: the runtimes, the HTTP server, the composition root and the CLI.
const SERVING_ENTRIES = ['src/runtime/onnx/index.ts', 'src/onnx/index.ts', 'src/http/server.ts', 'src/app/serve.ts', 'src/cli/main.ts', 'src/index.ts'];
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function reachableFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (specifier !== undefined) queue.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('serving import graph', () => {
  it.each(SERVING_ENTRIES)('%s reaches no training code', (entry) => {
    const files = [...reachableFiles(entry)].map((f) => relative(ROOT, f));
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith('src/training/'))).toEqual([]);
  });

  it('follows imports (the walker itself finds training code from a training entry)', () => {
    const files = [...reachableFiles('src/training/examples/iris-example.ts')].map((f) => relative(ROOT, f));
    expect(files).toContain('src/training/logistic-regression.ts');
    expect(files).toContain('src/onnx/writer/mlp.ts');
  });
});
