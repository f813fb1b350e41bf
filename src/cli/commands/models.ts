import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openRegistry } from '../../app/open-registry.js';
import { validatePackage } from '../../app/validate-package.js';
import type { Registry } from '../../registry/registry.js';
import { collect, parseIntFlag, parseTags } from '../parse.js';
import { storageFromFlags, withStorageOptions, type StorageFlags } from '../storage-options.js';

interface RegisterFlags extends StorageFlags {
  labels?: string;
  alias?: string[];
  tag?: string[];
  source?: string;
  dataset?: string;
  description?: string;
  json?: boolean;
}

async function withRegistry<T>(flags: StorageFlags, fn: (registry: Registry) => Promise<T>): Promise<T> {
  const opened = await openRegistry(storageFromFlags(flags));
  try {
    return await fn(opened.registry);
  } finally {
    await opened.close();
  }
}

/** A bare .onnx plus its labels become one folder, so the labels are stored with the version. */
async function bundleWithLabels(modelFile: string, labelsFile: string): Promise<string> {
  if (!modelFile.endsWith('.onnx')) throw new Error('--labels goes with a bare .onnx file; a package folder names its labels in its manifest');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlpatterns-register-'));
  await copyFile(modelFile, path.join(dir, path.basename(modelFile)));
  await copyFile(labelsFile, path.join(dir, 'labels.json'));
  return dir;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function modelsCommand(program: Command): void {
  const models = program.command('models').description('the model registry: versions, aliases, tags');

  withStorageOptions(
    models
      .command('register')
      .description('register a .onnx file or a model package folder as a new immutable version')
      .argument('<name>', 'model name')
      .argument('<path>', '.onnx file or package folder')
      .option('--labels <file>', 'class labels JSON to store with a bare .onnx (list or {"0": "label"})')
      .option('-a, --alias <alias>', 'point this alias at the new version (repeatable)', collect, [])
      .option('-t, --tag <key=value>', 'tag the version (repeatable)', collect, [])
      .option('--source <text>', 'lineage: where the model came from')
      .option('--dataset <text>', 'lineage: training dataset')
      .option('--description <text>', 'description'),
  ).action(async (name: string, given: string, flags: RegisterFlags) =>
    withRegistry(flags, async (registry) => {
      const tags = parseTags(flags.tag ?? []);
      const source = flags.labels ? await bundleWithLabels(given, flags.labels) : given;
      const version = await registry.register({
        name,
        path: source,
        // Validate the copy the registry hands over: what is validated is what is stored.
        validate: (dir) => validatePackage(dir),
        ...(flags.alias && flags.alias.length > 0 ? { alias: flags.alias } : {}),
        tags,
        ...(flags.source ? { source: flags.source } : {}),
        ...(flags.dataset ? { dataset: flags.dataset } : {}),
        ...(flags.description ? { description: flags.description } : {}),
      });
      process.stdout.write(`registered ${version.name}:${version.version} (${version.digest.slice(0, 19)})${flags.alias?.length ? ` aliases: ${flags.alias.join(', ')}` : ''}\n`);
    }),
  );

  withStorageOptions(models.command('list').description('list models with their latest version and aliases')).action(
    async (flags: StorageFlags) => withRegistry(flags, async (registry) => print(await registry.list())),
  );

  withStorageOptions(
    models.command('show').description('show a version (name, name@alias, name:version) or all versions of a model').argument('<ref>'),
  ).action(async (ref: string, flags: StorageFlags) =>
    withRegistry(flags, async (registry) => {
      const resolved = await registry.resolve(ref);
      const versions = ref.includes('@') || ref.includes(':') ? undefined : await registry.versions(resolved.name);
      print(versions ? { resolved, versions } : resolved);
    }),
  );

  withStorageOptions(
    models
      .command('alias')
      .description('point an alias (production, candidate, …) at a version; servers following it switch without restart')
      .argument('<name>')
      .argument('<alias>')
      .argument('<version>'),
  ).action(async (name: string, alias: string, version: string, flags: StorageFlags) =>
    withRegistry(flags, async (registry) => {
      await registry.setAlias(name, alias, parseIntFlag('<version>', version));
      process.stdout.write(`${name}@${alias} -> ${name}:${version}\n`);
    }),
  );
}
