import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Training code must never enter the serving import graph (the "training code in
 * serving" anti-pattern): walk every relative import reachable from the serving
 * entry points and check that none lands in src/training/ or src/pipelines/ (the
 * training-pipeline runner). The one way in is `mlpatterns train`, which
 * src/cli/main.ts imports lazily, only when that command runs: the walk leaves
 * out exactly that dynamic import, and a second test proves at run time that the
 * CLI loads no training module until `train` is run.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
// The serving entry points: the runtimes, the HTTP server, the composition root and the CLI.
const SERVING_ENTRIES = ['src/runtime/onnx/index.ts', 'src/onnx/index.ts', 'src/http/server.ts', 'src/app/serve.ts', 'src/cli/main.ts', 'src/index.ts'];
const TRAINING_CODE = ['src/training/', 'src/pipelines/'];
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
/** The lazy edge: main.ts → commands/train.ts, by dynamic import only. */
const LAZY_TRAIN = { from: 'src/cli/main.ts', specifier: './commands/train.js' };

function reachableFiles(entry: string, options: { skipLazyTrain?: boolean } = {}): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (specifier === undefined) continue;
      const lazy = match[2] !== undefined && relative(ROOT, file) === LAZY_TRAIN.from && specifier === LAZY_TRAIN.specifier;
      if (lazy && options.skipLazyTrain) continue;
      queue.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

const isTrainingCode = (file: string): boolean => TRAINING_CODE.some((prefix) => file.startsWith(prefix));

describe('serving import graph', () => {
  it.each(SERVING_ENTRIES)('%s reaches no training code (src/training, src/pipelines)', (entry) => {
    const files = [...reachableFiles(entry, { skipLazyTrain: true })].map((f) => relative(ROOT, f));
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter(isTrainingCode)).toEqual([]);
  });

  it('follows imports (the walker itself finds training code from a training entry)', () => {
    const files = [...reachableFiles('src/training/examples/iris-example.ts')].map((f) => relative(ROOT, f));
    expect(files).toContain('src/training/logistic-regression.ts');
    expect(files).toContain('src/onnx/writer/mlp.ts');
  });

  it('reaches the pipeline runner from main.ts only through the lazy import of the train command', () => {
    const main = readFileSync(join(ROOT, LAZY_TRAIN.from), 'utf8');
    const statics = [...main.matchAll(IMPORT)].filter((m) => m[1] !== undefined).map((m) => m[1]);
    expect(statics).not.toContain(LAZY_TRAIN.specifier);
    expect(main).toContain(`await import('${LAZY_TRAIN.specifier}')`);
    // With the lazy edge followed, the walker does find the runner: the skip above is what keeps it out.
    const withLazy = [...reachableFiles(LAZY_TRAIN.from)].map((f) => relative(ROOT, f));
    expect(withLazy).toContain('src/pipelines/runner/run-pipeline.ts');
    expect(withLazy).toContain('src/cli/commands/train.ts');
  });
});

describe('the CLI at run time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlp-isolation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI from source with a loader hook that writes every module URL it loads to a file; returns them. */
  function modulesLoadedBy(args: readonly string[], name: string): string[] {
    const log = join(dir, `${name}.log`);
    writeFileSync(join(dir, 'hook.mjs'), "import { appendFileSync } from 'node:fs';\nlet log;\nexport function initialize(data) { log = data.log; }\nexport async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }\n");
    writeFileSync(join(dir, `register-${name}.mjs`), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
    writeFileSync(join(dir, 'entry.mjs'), `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href)});\nawait main(process.argv);\n`);
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const result = spawnSync(process.execPath, ['--import', tsx, '--import', pathToFileURL(join(dir, `register-${name}.mjs`)).href, join(dir, 'entry.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => relative(ROOT, new URL(url).pathname));
  }

  it('loads no training module for a serving command, and loads the runner only when train runs', () => {
    const serving = modulesLoadedBy(['models', '--help'], 'models');
    expect(serving).toContain('src/cli/main.ts');
    expect(serving).toContain('src/app/serve.ts');
    expect(serving.filter(isTrainingCode)).toEqual([]);
    expect(serving).not.toContain('src/cli/commands/train.ts');
    // The hook does see the runner when train runs: the check above can fail.
    const training = modulesLoadedBy(['train', '--help'], 'train');
    expect(training).toContain('src/cli/commands/train.ts');
    expect(training).toContain('src/pipelines/runner/run-pipeline.ts');
  }, 60_000);
});
