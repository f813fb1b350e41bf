import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataSource, readRows } from '../../src/data/index.js';
import { writeParquet } from '../batch-jobs/parquet-writer.js';
import { errorTextOf } from '../helpers/ml-errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mlp-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

describe('CSV sources', () => {
  it('reads quoted cells and types each column as a whole', async () => {
    const name = file('mixed.csv', 'id,size,code,note\n1,2.5,007,"a, b"\n2,,A12,"line\nbreak"\n3,-1e3,009,"say ""hi"""\n');
    const source = await openDataSource(name, { baseDir: dir });
    expect(await source.columns()).toEqual(['id', 'size', 'code', 'note']);
    const rows = [];
    for await (const row of source.rows()) rows.push(row);
    await source.close();
    expect(rows).toEqual([
      { id: 1, size: 2.5, code: '007', note: 'a, b' },
      { id: 2, size: null, code: 'A12', note: 'line\nbreak' },
      { id: 3, size: -1000, code: '009', note: 'say "hi"' },
    ]);
  });

  it('keeps every cell as text with csvTypes "string", and projects columns in the order asked', async () => {
    const name = file('plain.csv', 'a,b,c\n1,2,3\n');
    expect(await readRows(name, { baseDir: dir, csvTypes: 'string' })).toEqual([{ a: '1', b: '2', c: '3' }]);
    expect(await readRows(name, { baseDir: dir, columns: ['c', 'a'] })).toEqual([{ c: 3, a: 1 }]);
    const source = await openDataSource(name, { baseDir: dir, columns: ['c', 'a'] });
    expect(await source.columns()).toEqual(['c', 'a']);
  });

  it('fails on a row with the wrong cell count, naming the line', async () => {
    const name = file('ragged.csv', 'a,b\n1,2\n3\n');
    expect(await errorTextOf(() => readRows(name, { baseDir: dir }))).toMatch(/^DATA_SOURCE_INVALID: .*ragged\.csv, row 3: wrong column count/);
  });

  it('fails on a duplicated header name and on a column it does not have', async () => {
    const dup = file('dup.csv', 'a,a\n1,2\n');
    expect(await errorTextOf(async () => (await openDataSource(dup, { baseDir: dir })).columns())).toMatch(/^DATA_SOURCE_INVALID: .*"a" twice/);
    const plain = file('plain2.csv', 'a,b\n1,2\n');
    expect(await errorTextOf(() => readRows(plain, { baseDir: dir, columns: ['a', 'zz'] }))).toMatch(/^DATA_SOURCE_INVALID: .*no column "zz" \(columns: a, b\)/);
  });
});

describe('JSON Lines sources', () => {
  it('reads objects and lists every key seen as a column', async () => {
    const name = file('rows.jsonl', '{"x":1,"y":"a"}\n\n{"x":2,"z":true}\n');
    const source = await openDataSource(name, { baseDir: dir });
    expect(await source.columns()).toEqual(['x', 'y', 'z']);
    await source.close();
    expect(await readRows(name, { baseDir: dir })).toEqual([{ x: 1, y: 'a' }, { x: 2, z: true }]);
    expect(await readRows(name, { baseDir: dir, columns: ['z', 'x'] })).toEqual([{ z: null, x: 1 }, { z: true, x: 2 }]);
  });

  it('fails on a line that is not a JSON object', async () => {
    const name = file('bad.ndjson', '{"x":1}\n[1,2]\n');
    expect(await errorTextOf(() => readRows(name, { baseDir: dir }))).toMatch(/^DATA_SOURCE_INVALID: .*row 2: not a JSON object/);
  });
});

describe('Parquet sources', () => {
  it('reads columns from the schema and typed rows', async () => {
    writeParquet(path.join(dir, 'iris.parquet'), { species: ['setosa', 'virginica'], petal_length: [1.4, 5.1] });
    const source = await openDataSource(path.join(dir, 'iris.parquet'));
    expect(await source.columns()).toEqual(['species', 'petal_length']);
    await source.close();
    expect(await readRows('iris.parquet', { baseDir: dir })).toEqual([
      { species: 'setosa', petal_length: 1.4 },
      { species: 'virginica', petal_length: 5.1 },
    ]);
  });

  it('reports a file that is not Parquet', async () => {
    const name = file('fake.parquet', 'not parquet at all');
    expect(await errorTextOf(() => readRows(name, { baseDir: dir }))).toMatch(/^DATA_SOURCE_INVALID: .*not a readable Parquet file/);
  });
});

describe('source URIs', () => {
  it('refuses a missing file, an unknown extension, a folder and unknown schemes with stable codes', async () => {
    expect(await errorTextOf(() => openDataSource('nope.csv', { baseDir: dir }))).toMatch(/^DATA_SOURCE_NOT_FOUND: .*no such file .*nope\.csv/);
    expect(await errorTextOf(() => openDataSource('data.xlsx', { baseDir: dir }))).toMatch(/^DATA_SOURCE_UNSUPPORTED: .*unknown file type "\.xlsx"/);
    expect(await errorTextOf(() => openDataSource('s3://bucket/x.csv'))).toMatch(/^DATA_SOURCE_UNSUPPORTED: .*unknown scheme/);
    mkdirSync(path.join(dir, 'folder.csv'));
    expect(await errorTextOf(() => openDataSource('folder.csv', { baseDir: dir }))).toMatch(/^DATA_SOURCE_NOT_FOUND: .*folder\.csv is not a file/);
    expect(await errorTextOf(() => openDataSource('plain.csv', { baseDir: dir, query: 'SELECT 1' }))).toMatch(/^DATA_SOURCE_UNSUPPORTED: .*"query" applies to database sources/);
  });

  it('reads file:// URLs', async () => {
    const name = file('url.jsonl', '{"k":1}\n');
    expect(await readRows(`file://${path.join(dir, name)}`)).toEqual([{ k: 1 }]);
  });
});
