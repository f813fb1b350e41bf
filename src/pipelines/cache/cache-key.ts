import type { PipelineStep } from '../definition.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** Bumped when the key's recipe changes, so old records stop matching instead of matching wrongly. */
const KEY_FORMAT = 1;

export interface CacheKeyParts {
  /** From CodeHasher.codeOf. */
  readonly code: unknown;
  /** From CodeHasher.files. */
  readonly files: Readonly<Record<string, string>>;
  /** The step's parameters: the pipeline parameters it lists or names in placeholders, and its filled `with:`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Input name → digest of the upstream output artifact. */
  readonly inputs: Readonly<Record<string, string>>;
  /** A built-in's fingerprint; `undefined` from a built-in that has one makes the step uncacheable. */
  readonly fingerprint?: string | undefined;
}

export interface CacheKey {
  /** sha256 hex of the canonical JSON of everything that decides the step's outputs. */
  readonly key: string;
  /** `false` for `cache: false` steps and uncacheable built-ins (the key still serves `--resume`). */
  readonly cacheable: boolean;
}

/**
 * The step cache key: sha256 over the canonical JSON of the step's kind, code,
 * manual version, parameters, declared outputs, input artifact digests, files
 * and built-in fingerprint. Input digests (not upstream keys) make a step whose
 * upstream re-ran but wrote the same bytes still hit.
 */
export function cacheKeyOf(step: PipelineStep, parts: CacheKeyParts): CacheKey {
  const uncacheableBuiltin = step.kind === 'builtin' && step.builtin.fingerprint !== undefined && parts.fingerprint === undefined;
  const key = sha256Hex(
    canonicalJson({
      format: KEY_FORMAT,
      kind: step.kind,
      code: parts.code,
      version: step.version ?? null,
      params: parts.params,
      outputs: [...step.outputs].sort(),
      inputs: parts.inputs,
      files: parts.files,
      fingerprint: parts.fingerprint ?? null,
    }),
  );
  return { key, cacheable: step.cache && !uncacheableBuiltin };
}
