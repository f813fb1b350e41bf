import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource, readRows } from '../../src/data/index.js';
import { errorTextOf } from '../helpers/ml-errors.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

describe('SQLite sources', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlp-data-sqlite-'));
  const file = path.join(dir, 'shop.db');
  beforeAll(() => {
    const db = new Database(file);
    db.exec('CREATE TABLE sales (day INTEGER, store TEXT, visitors REAL)');
    const insert = db.prepare('INSERT INTO sales VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let day = 1; day <= 5000; day++) insert.run(day, day % 2 === 0 ? 'a' : 'b', day * 1.5);
    })();
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a query (more rows than a page) with its columns', async () => {
    const source = await openDataSource('sqlite:shop.db?query=SELECT store, visitors FROM sales WHERE day > 10 ORDER BY day', { baseDir: dir });
    expect(await source.columns()).toEqual(['store', 'visitors']);
    let count = 0;
    let last: Record<string, unknown> | undefined;
    for await (const row of source.rows()) {
      count++;
      last = row;
    }
    await source.close();
    expect(count).toBe(4990);
    expect(last).toEqual({ store: 'a', visitors: 7500 });
  });

  it('reads a whole table in a given order, and takes the query as an option', async () => {
    const rows = await readRows(`sqlite:${file}?table=sales&orderBy=day`);
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toEqual({ day: 1, store: 'b', visitors: 1.5 });
    expect(await readRows('sqlite:shop.db', { baseDir: dir, query: 'SELECT count(*) AS n FROM sales;' })).toEqual([{ n: 5000 }]);
  });

  it('refuses a statement that writes, a bad query and a missing file, leaving the data as it was', async () => {
    expect(await errorTextOf(() => readRows('sqlite:shop.db?query=DELETE FROM sales', { baseDir: dir }))).toMatch(/^DATA_SOURCE_QUERY_FAILED: .*only a read-only query/);
    expect(await errorTextOf(() => readRows('sqlite:shop.db?query=SELECT nope FROM sales', { baseDir: dir }))).toMatch(/^DATA_SOURCE_QUERY_FAILED: .*no such column: nope/);
    expect(await errorTextOf(() => readRows('sqlite:missing.db?table=sales', { baseDir: dir }))).toMatch(/^DATA_SOURCE_NOT_FOUND: .*missing\.db/);
    expect(await errorTextOf(() => readRows('sqlite:shop.db', { baseDir: dir }))).toMatch(/^DATA_SOURCE_UNSUPPORTED: .*needs \?query=SELECT… or \?table=T/);
    expect(await errorTextOf(() => readRows('sqlite:shop.db?table=sales;drop', { baseDir: dir }))).toMatch(/^DATA_SOURCE_UNSUPPORTED: .*must be letters, digits and _/);
    expect(await readRows('sqlite:shop.db?query=SELECT count(*) AS n FROM sales', { baseDir: dir })).toEqual([{ n: 5000 }]);
  });
});

const postgres = await requirePostgres('data-sources.postgres');

describe.skipIf(!postgres.available)(`PostgreSQL sources ${postgres.reason}`, () => {
  const schema = uniqueSchemaName('mlp_data');
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`CREATE TABLE ${schema}.visits (id BIGSERIAL PRIMARY KEY, store TEXT NOT NULL, day DATE NOT NULL, visitors NUMERIC NOT NULL, big BIGINT)`);
      await client.query(
        `INSERT INTO ${schema}.visits (store, day, visitors, big) SELECT 's' || (g % 3), DATE '2024-01-01' + g, g * 0.5, CASE WHEN g = 1 THEN 9007199254740993 END FROM generate_series(1, 4500) AS g`,
      );
    } finally {
      await client.end();
    }
  });
  afterAll(() => dropSchemas([schema]));

  it('streams a query through a cursor, with numbers for numeric and int8 columns', async () => {
    const uri = withParam(TEST_POSTGRES_URL, 'query', `SELECT id, store, visitors, big, day FROM ${schema}.visits ORDER BY id`);
    const source = await openDataSource(uri);
    expect(await source.columns()).toEqual(['id', 'store', 'visitors', 'big', 'day']);
    const rows: Record<string, unknown>[] = [];
    for await (const row of source.rows()) rows.push(row);
    await source.close();
    expect(rows).toHaveLength(4500);
    // int8 past 2^53 stays exact as text; the rest are numbers a trainer can use.
    expect(rows[0]).toMatchObject({ id: 1, store: 's1', visitors: 0.5, big: '9007199254740993' });
    expect(rows[0]?.day).toBeInstanceOf(Date);
    expect(rows[4499]).toMatchObject({ id: 4500, store: 's0', visitors: 2250, big: null });
  });

  it('reads a table, and a query given as an option; the description hides the password', async () => {
    const rows = await readRows(withParam(withParam(TEST_POSTGRES_URL, 'table', `${schema}.visits`), 'orderBy', 'id'), { columns: ['store', 'id'] });
    expect(rows.slice(0, 2)).toEqual([{ store: 's1', id: 1 }, { store: 's2', id: 2 }]);
    expect(await readRows(TEST_POSTGRES_URL, { query: `SELECT count(*) AS n FROM ${schema}.visits` })).toEqual([{ n: 4500 }]);
    const withPassword = new URL(TEST_POSTGRES_URL);
    withPassword.password = 'secret';
    const source = await openDataSource(withParam(withPassword.toString(), 'table', 'x'));
    expect(source.description).not.toContain('secret');
  });

  it('runs queries read-only, and reports a bad query and an unreachable server with their codes', async () => {
    const write = withParam(TEST_POSTGRES_URL, 'query', `INSERT INTO ${schema}.visits (store, day, visitors) VALUES ('x', DATE '2020-01-01', 1) RETURNING id`);
    expect(await errorTextOf(() => readRows(write))).toMatch(/^DATA_SOURCE_QUERY_FAILED: .*(read-only|cannot be used in DECLARE CURSOR|syntax)/i);
    expect(await readRows(TEST_POSTGRES_URL, { query: `SELECT count(*) AS n FROM ${schema}.visits` })).toEqual([{ n: 4500 }]);
    expect(await errorTextOf(() => readRows(withParam(TEST_POSTGRES_URL, 'query', `SELECT nope FROM ${schema}.visits`)))).toMatch(/^DATA_SOURCE_QUERY_FAILED: .*column "nope" does not exist/);
    const bad = await openDataSource(withParam(TEST_POSTGRES_URL, 'query', 'SELEKT 1'));
    expect(await errorTextOf(() => bad.columns())).toMatch(/^DATA_SOURCE_QUERY_FAILED: .*syntax error/);
    await bad.close();
    const unreachable = new URL(TEST_POSTGRES_URL);
    unreachable.port = '1';
    expect(await errorTextOf(() => readRows(withParam(unreachable.toString(), 'table', 'visits')))).toMatch(/^DATA_SOURCE_UNAVAILABLE: .*127\.0\.0\.1:1/);
    expect(await errorTextOf(() => readRows(TEST_POSTGRES_URL))).toMatch(/^DATA_SOURCE_UNSUPPORTED/);
  });
});
