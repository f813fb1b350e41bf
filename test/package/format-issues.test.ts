import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../src/package/format-issues.js';
import { parseDefinition } from '../../src/runtime/function/definition.js';
import { readPackage } from '../../src/package/read-package.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const schema = z.object({ name: z.string(), nested: z.object({ list: z.array(z.number()) }) });
const issuesOf = (value: unknown): z.core.$ZodIssue[] => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected issues');
  return parsed.error.issues;
};

describe('formatIssues', () => {
  it('names each issue by its dotted path, joined with "; "', () => {
    expect(formatIssues(issuesOf({ name: 1, nested: { list: [1, 'x'] } }))).toBe(
      'name: Invalid input: expected string, received number; nested.list.1: Invalid input: expected number, received string',
    );
  });

  it('gives a root issue its message alone, or the root name it is told', () => {
    expect(formatIssues(issuesOf('nope'))).toBe('Invalid input: expected object, received string');
    expect(formatIssues(issuesOf('nope'), { root: '(root)' })).toBe('(root): Invalid input: expected object, received string');
  });

  it('can format a bulleted list (as config files report problems)', () => {
    expect(formatIssues(issuesOf({ nested: { list: [] } }), { root: '(root)', separator: '\n', bullet: '  - ' })).toBe(
      '  - name: Invalid input: expected string, received undefined',
    );
  });

  it('prints symbol path segments instead of throwing', () => {
    const issue = { code: 'custom', path: [Symbol('s'), 0], message: 'bad', input: undefined } as unknown as z.core.$ZodIssue;
    expect(formatIssues([issue])).toBe('Symbol(s).0: bad');
  });

  it('is what function model definitions and manifests report', async () => {
    const parsed = parseDefinition({ signatures: {}, run: 1 });
    expect(parsed).toEqual({ ok: false, reason: 'signatures: must declare at least one signature; run: must be a function' });
    const dir = await mkdtemp(join(tmpdir(), 'mlp-issues-'));
    try {
      await writeFile(join(dir, 'mlpatterns.model.yaml'), 'name: "bad name"\npreprocess: 3\n');
      const err = await readPackage(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'INVALID_MANIFEST',
        params: { reason: 'name: use letters, digits, ".", "_" and "-"; preprocess: Invalid input: expected array, received number' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
