import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/codes.js';
import { MlError, formatMessage, toMlError } from '../../src/errors/ml-error.js';
import { renderErrorsDoc } from '../../src/errors/render-doc.js';

describe('error registry', () => {
  it('docs/errors.md is in sync with src/errors/codes.ts', () => {
    const committed = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed, 'run: npx tsx scripts/gen-errors-doc.ts').toBe(renderErrorsDoc());
  });

  it('every code has a 4xx or 5xx status and a message', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.message.length, code).toBeGreaterThan(0);
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });

  it('fills message placeholders and keeps the cause', () => {
    const cause = new Error('disk');
    const err = new MlError('MODEL_NOT_FOUND', { name: 'iris' }, { cause });
    expect(err.message).toBe('Model "iris" not found');
    expect(err.status).toBe(404);
    expect(err.cause).toBe(cause);
    expect(err.toJSON()).toEqual({ error: 'Model "iris" not found', code: 'MODEL_NOT_FOUND' });
    expect(formatMessage('MODEL_NOT_FOUND', {})).toBe('Model "{name}" not found');
  });

  it('wraps foreign errors as INTERNAL', () => {
    const wrapped = toMlError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.status).toBe(500);
  });
});
