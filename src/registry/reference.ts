import { MlError } from '../errors/ml-error.js';
import { MODEL_NAME_PATTERN } from '../package/manifest.js';

/**
 * Model references, the way every other part of mlpatterns names a model:
 * - `name`                → the `production` alias if set, else the latest version;
 * - `name@alias`          → whatever the alias points at;
 * - `name:3`              → version 3;
 * - `name:sha256:1a2b3c4d` → the version whose digest starts with that hex (8+ digits).
 */
export type ModelReference =
  | { readonly kind: 'default'; readonly name: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'digest'; readonly name: string; readonly digestPrefix: string };

/** The alias a plain `name` reference follows. */
export const DEFAULT_ALIAS = 'production';

const VERSION = /^[1-9][0-9]{0,8}$/;
const DIGEST = /^sha256:([0-9a-fA-F]{8,64})$/;

export function parseReference(ref: string): ModelReference {
  const at = ref.indexOf('@');
  const colon = ref.indexOf(':');
  const cut = [at, colon].filter((index) => index >= 0).sort((a, b) => a - b)[0];
  const name = cut === undefined ? ref : ref.slice(0, cut);
  assertModelName(name);
  if (cut === undefined) return { kind: 'default', name };
  const rest = ref.slice(cut + 1);
  if (cut === at) {
    if (!isValidAlias(rest)) throw new MlError('INVALID_REFERENCE', { ref: printable(ref) });
    return { kind: 'alias', name, alias: rest };
  }
  if (VERSION.test(rest)) return { kind: 'version', name, version: Number(rest) };
  const hex = DIGEST.exec(rest)?.[1];
  if (hex !== undefined) return { kind: 'digest', name, digestPrefix: `sha256:${hex.toLowerCase()}` };
  throw new MlError('INVALID_REFERENCE', { ref: printable(ref) });
}

export function formatReference(ref: ModelReference): string {
  switch (ref.kind) {
    case 'default':
      return ref.name;
    case 'alias':
      return `${ref.name}@${ref.alias}`;
    case 'version':
      return `${ref.name}:${ref.version}`;
    case 'digest':
      return `${ref.name}:${ref.digestPrefix}`;
  }
}

/**
 * Names become artifact keys and folder names, so besides MODEL_NAME_PATTERN
 * (which already excludes "/" and control characters) ".." is refused too.
 * They also become keys of plain objects (alias maps, JSON bodies), so the
 * names of Object.prototype's members (`__proto__`, `constructor`,
 * `toString`, ...) and `prototype` are refused: as keys they would be
 * dropped or would reach the prototype instead of the data.
 */
export function assertModelName(name: string): void {
  if (!isValidName(name)) throw new MlError('INVALID_MODEL_NAME', { name: printable(name) });
}

/** Aliases follow the model-name rules. */
export function isValidAlias(alias: string): boolean {
  return isValidName(alias);
}

function isValidName(name: string): boolean {
  return MODEL_NAME_PATTERN.test(name) && !name.includes('..') && !isPrototypeKey(name);
}

/** True for keys that mean something to every plain object: Object.prototype's members and `prototype`. */
export function isPrototypeKey(key: string): boolean {
  return key === 'prototype' || key in Object.prototype;
}

export function assertAlias(name: string, alias: string): void {
  if (!isValidAlias(alias)) throw new MlError('INVALID_REFERENCE', { ref: printable(`${name}@${alias}`) });
}

/** Echoing control characters into messages and logs would let input forge log lines. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
