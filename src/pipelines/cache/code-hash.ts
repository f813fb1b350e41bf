import { stat } from 'node:fs/promises';
import path from 'node:path';
import { digestArtifact } from '../../ports/artifact-digest.js';
import type { PipelineStep } from '../definition.js';
import { findPlaceholders } from '../placeholders.js';
import { sha256Hex } from './canonical-json.js';
import { moduleClosure } from './module-closure.js';
import { packageVersion } from './package-version.js';

/**
 * What stands for a step's code in its cache key. One hasher per run: steps
 * that share a module (a steps.ts with five exports) hash it once.
 * - `run: ./m.ts#f`: the module's bytes and those of its relative-import closure;
 * - a function (TypeScript API): its source text (what it closes over is not seen: use `version:`);
 * - `command:`: the argv as written, plus the bytes of every argument that names
 *   an existing file (a script: with its import closure when it is JS/TS);
 * - `uses:`: the built-in's name and the mlpatterns version.
 * Paths are relative to the pipeline's folder, so a moved clone keeps its keys.
 */
export class CodeHasher {
  private readonly modules = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly workDir: string) {}

  async codeOf(step: PipelineStep): Promise<unknown> {
    switch (step.kind) {
      case 'module':
        return { module: await this.closure(step.module), export: step.exportName };
      case 'function':
        return { function: sha256Hex(step.fn.toString()) };
      case 'command':
        return { command: step.command, files: await this.argumentFiles(step.command) };
      case 'builtin':
        return { builtin: step.uses, mlpatterns: packageVersion() };
    }
  }

  /** `files:` of a step: relative path → artifact digest (a folder hashes like a stored artifact). */
  async files(step: PipelineStep): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const file of step.files) out[this.relative(file)] = (await digestArtifact(file)).digest;
    return out;
  }

  private closure(entry: string): Promise<Record<string, string>> {
    let hashed = this.modules.get(entry);
    if (hashed === undefined) {
      hashed = moduleClosure(entry).then((files) => {
        const out: Record<string, string> = {};
        for (const [file, bytes] of files) out[this.relative(file)] = sha256Hex(bytes);
        return out;
      });
      this.modules.set(entry, hashed);
    }
    return hashed;
  }

  private async argumentFiles(argv: readonly string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const arg of argv) {
      if (arg === '' || findPlaceholders(arg).length > 0) continue;
      const file = path.resolve(this.workDir, arg);
      if (!(await isFile(file))) continue;
      out[this.relative(file)] = await this.closure(file);
    }
    return out;
  }

  private relative(file: string): string {
    return path.relative(this.workDir, file).split(path.sep).join('/');
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
