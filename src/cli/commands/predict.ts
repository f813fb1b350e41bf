import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { request } from 'undici';
import { openRegistry } from '../../app/open-registry.js';
import { readPackage } from '../../package/read-package.js';
import { loadModel } from '../../serving/load-model.js';
import { predict } from '../../serving/predict.js';
import { storageFromFlags, withStorageOptions, type StorageFlags } from '../storage-options.js';
import { randomUUID } from 'node:crypto';

interface PredictFlags extends StorageFlags {
  data: string;
  keys?: string;
  signature?: string;
  labels?: string;
}

export function predictCommand(program: Command): void {
  withStorageOptions(
    program
      .command('predict')
      .description('predict with a running server (URL) or in this process (file, folder or registry ref)')
      .argument('<target>', 'http://host:port/v1/models/<name>, a .onnx file, a package folder, or name@alias')
      .requiredOption('-d, --data <json|@file>', 'instances as JSON (a list, or a full {"instances": …} body), or @file.json')
      .option('-k, --keys <json>', 'keys as a JSON list, one per instance')
      .option('-s, --signature <name>', 'signature to call')
      .option('--labels <file>', 'class labels JSON for a bare .onnx'),
  ).action(async (target: string, flags: PredictFlags) => {
    const body = await buildBody(flags);
    const result = /^https?:\/\//.test(target) ? await overHttp(target, body) : await inProcess(target, body, flags);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  });
}

async function buildBody(flags: PredictFlags): Promise<Record<string, unknown>> {
  const text = flags.data.startsWith('@') ? await readFile(flags.data.slice(1), 'utf8') : flags.data;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`--data is not valid JSON: ${(err as Error).message}`);
  }
  const body: Record<string, unknown> = Array.isArray(parsed) ? { instances: parsed } : (parsed as Record<string, unknown>);
  if (flags.keys) body.keys = JSON.parse(flags.keys) as unknown;
  if (flags.signature) body.signature = flags.signature;
  return body;
}

async function overHttp(target: string, body: unknown): Promise<unknown> {
  // The friendly API only: an OIP /infer URL takes another body shape.
  if (/\/infer$/.test(target)) throw new Error('predict talks to the friendly API: give http://host:port/v1/models/<name>');
  const url = /\/predict$/.test(target) ? target : `${target.replace(/\/+$/, '')}/predict`;
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await res.body.json()) as { error?: string; code?: string };
  if (res.statusCode >= 400) throw new Error(`${res.statusCode} ${answer.code ?? ''}: ${answer.error ?? 'request failed'}`);
  return answer;
}

async function inProcess(target: string, body: unknown, flags: PredictFlags): Promise<unknown> {
  if (existsSync(target)) {
    const model = await loadModel(await readPackage(target, flags.labels ? { labelsFile: flags.labels } : {}));
    try {
      return await predict(model, body, randomUUID());
    } finally {
      await model.dispose();
    }
  }
  const opened = await openRegistry(storageFromFlags(flags));
  try {
    const version = await opened.registry.resolve(target);
    const model = await loadModel(await readPackage(version.localPath, { name: version.name }), { version: String(version.version) });
    try {
      return await predict(model, body, randomUUID());
    } finally {
      await model.dispose();
    }
  } finally {
    await opened.close();
  }
}
