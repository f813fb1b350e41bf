import { describe, expect, it } from 'vitest';
import type { MlError } from '../../src/errors/ml-error.js';
import { formatReference, parseReference } from '../../src/registry/reference.js';

function codeOf(ref: string): string | undefined {
  try {
    parseReference(ref);
    return undefined;
  } catch (err) {
    return (err as MlError).code;
  }
}

const hex = 'ab12cd34'.repeat(8);

describe('parseReference', () => {
  it.each([
    ['iris', { kind: 'default', name: 'iris' }],
    ['iris@production', { kind: 'alias', name: 'iris', alias: 'production' }],
    ['my_model.v2@canary-1', { kind: 'alias', name: 'my_model.v2', alias: 'canary-1' }],
    ['iris:3', { kind: 'version', name: 'iris', version: 3 }],
    ['iris:sha256:ab12cd34', { kind: 'digest', name: 'iris', digestPrefix: 'sha256:ab12cd34' }],
    ['iris:sha256:AB12CD34EF', { kind: 'digest', name: 'iris', digestPrefix: 'sha256:ab12cd34ef' }],
    [`iris:sha256:${hex}`, { kind: 'digest', name: 'iris', digestPrefix: `sha256:${hex}` }],
  ])('parses %s', (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });

  it.each(['a/b', '..', 'a..b', 'x\u0001', '', '.hidden', '-x', 'a b', 'a/b@prod', '../etc:1', 'x'.repeat(129)])(
    'refuses the model name in %j',
    (ref) => {
      expect(codeOf(ref)).toBe('INVALID_MODEL_NAME');
    },
  );

  it.each([
    'iris@',
    'iris:',
    'iris:0',
    'iris:01',
    'iris:1.5',
    'iris:-1',
    'iris:abc',
    'iris:sha256:abc',
    'iris:sha256:1234567',
    `iris:sha256:${hex}0`,
    'iris:sha256:zzzzzzzz',
    'iris:md5:12345678',
    'iris@prod:1',
    'iris@a/b',
    'iris@..',
    'iris@x\u0007',
    'iris:1@prod',
  ])('refuses the reference %j', (ref) => {
    expect(codeOf(ref)).toBe('INVALID_REFERENCE');
  });

  const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it.each(PROTOTYPE_KEYS)('refuses %j as a model name, in every kind of reference', (key) => {
    for (const ref of [key, `${key}@production`, `${key}:1`, `${key}:sha256:ab12cd34`]) {
      expect(codeOf(ref), ref).toBe('INVALID_MODEL_NAME');
    }
  });

  it.each(PROTOTYPE_KEYS)('refuses %j as an alias', (key) => {
    expect(codeOf(`iris@${key}`)).toBe('INVALID_REFERENCE');
  });

  it('still accepts names that merely contain such a key', () => {
    expect(parseReference('my__proto__@constructor2')).toEqual({ kind: 'alias', name: 'my__proto__', alias: 'constructor2' });
  });

  it('does not echo control characters into the message', () => {
    expect(() => parseReference('x\u0001')).toThrow(/x\\u0001/);
  });

  it('formats what it parses', () => {
    for (const ref of ['iris', 'iris@production', 'iris:12', 'iris:sha256:ab12cd34']) {
      expect(formatReference(parseReference(ref))).toBe(ref);
    }
  });
});
