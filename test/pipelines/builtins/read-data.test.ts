import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataFolder } from '../../../src/data/index.js';
import { readData } from '../../../src/pipelines/builtins/read-data.js';
import { TEST_POSTGRES_URL } from '../../helpers/postgres.js';
import { stepContext } from './context.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'mlp-read-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = path.join(root, 'state');

describe('uses: read-data', () => {
  it('writes the rows as rows.jsonl and the columns as columns.json, typed and projected', async () => {
    writeFileSync(path.join(root, 'iris.csv'), 'sepal_length,species,id\n5.1,setosa,a\n6.7,virginica,b\n');
    const ctx = stepContext({ root, stateDir, params: { source: 'iris.csv', columns: ['species', 'sepal_length'] }, outputs: ['data'] });
    const result = await readData.run(ctx);
    const dir = ctx.outputs.data ?? '';
    expect(readFileSync(path.join(dir, 'rows.jsonl'), 'utf8')).toBe('{"species":"setosa","sepal_length":5.1}\n{"species":"virginica","sepal_length":6.7}\n');
    expect(JSON.parse(readFileSync(path.join(dir, 'columns.json'), 'utf8'))).toEqual(['species', 'sepal_length']);
    expect(result).toEqual({ metrics: { rows: 2, columns: 2 } });
    expect(ctx.logs[0]).toMatch(/^read 2 rows × 2 columns \(species, sepal_length\) from .*iris\.csv$/);
    expect(await readDataFolder(dir)).toEqual({ columns: ['species', 'sepal_length'], rows: [{ species: 'setosa', sepal_length: 5.1 }, { species: 'virginica', sepal_length: 6.7 }] });
  });

  it('reads a SQLite query the same way', async () => {
    const file = path.join(root, 'shop.db');
    const db = new Database(file);
    db.exec("CREATE TABLE t (k INTEGER, v TEXT); INSERT INTO t VALUES (2, 'b'), (1, 'a')");
    db.close();
    const ctx = stepContext({ root, stateDir, params: { source: 'sqlite:shop.db', query: 'SELECT * FROM t ORDER BY k' }, outputs: ['data'] });
    await readData.run(ctx);
    expect(await readDataFolder(ctx.outputs.data ?? '')).toEqual({ columns: ['k', 'v'], rows: [{ k: 1, v: 'a' }, { k: 2, v: 'b' }] });
  });

  it('fingerprints a file by its bytes, and a database not at all (it always runs)', async () => {
    const fingerprint = readData.fingerprint ?? (async () => 'none');
    const file = path.join(root, 'f.jsonl');
    writeFileSync(file, '{"a":1}\n');
    const first = await fingerprint({ source: 'f.jsonl' }, root);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await fingerprint({ source: file }, '/elsewhere')).toBe(first);
    writeFileSync(file, '{"a":2}\n');
    expect(await fingerprint({ source: 'f.jsonl' }, root)).not.toBe(first);
    expect(await fingerprint({ source: `${TEST_POSTGRES_URL}?table=t` }, root)).toBeUndefined();
    expect(await fingerprint({ source: 'sqlite:shop.db?table=t' }, root)).toBeUndefined();
    await expect(fingerprint({ source: 'gone.csv' }, root)).rejects.toMatchObject({ code: 'DATA_SOURCE_NOT_FOUND' });
  });

  it('checks its settings and the source form when the pipeline loads', () => {
    const validate = readData.validate ?? (() => undefined);
    expect(() => validate({ source: 'data.xlsx' })).toThrow(/unknown file type "\.xlsx"/);
    expect(() => validate({ source: 'sqlite:x.db' })).toThrow(/needs \?query=SELECT… or \?table=T/);
    expect(() => validate({ source: 'a.csv', limit: 3 })).toThrow(/limit/);
    expect(() => validate({})).toThrow(/source/);
    expect(() => validate({ source: 'a.csv', columns: [] })).toThrow(/columns/);
    expect(() => validate({ source: 'postgres://h/db', query: 'SELECT 1' })).not.toThrow();
    expect(readData.outputs).toEqual(['data']);
  });

  it('fails with the data source code on a missing file', async () => {
    const ctx = stepContext({ root, stateDir, params: { source: 'missing.csv' }, outputs: ['data'] });
    await expect(readData.run(ctx)).rejects.toMatchObject({ code: 'DATA_SOURCE_NOT_FOUND' });
  });
});
