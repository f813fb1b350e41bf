import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run-batch.js';
import { IRIS_SVC, readJsonl, tempDir } from './helpers.js';

const tmp = tempDir('malformed');
afterAll(() => tmp.remove());

interface Reported {
  row: number;
  key?: unknown;
  error: string;
}

describe('batch run: malformed rows', () => {
  it('JSON Lines: reports bad JSON, a missing key, a non-numeric feature, a wrong feature count and a duplicate key by line; predicts the rest', async () => {
    const input = path.join(tmp.dir, 'rows.jsonl');
    const lines = [
      '{"id": "a", "f": [5.1, 3.5, 1.4, 0.2]}',
      '{"id": "b", "f": [4.9, 3.0, 1.4, 0.2]', // 2: bad JSON
      '{"f": [4.7, 3.2, 1.3, 0.2]}', // 3: no key
      '{"id": "c", "f": [4.6, "x", 1.5, 0.2]}', // 4: non-numeric
      '',
      '{"id": "d", "f": [6.7, 3.0, 5.2, 2.3]}',
      '{"id": "a", "f": [1, 1, 1, 1]}', // 7: duplicate of line 1
      '{"id": "e", "f": [1, 2, 3]}', // 8: three features for a four-feature model: the model refuses it
      '{"id": "g", "f": [5.9, 3.0, 5.1, 1.8]}',
    ];
    writeFileSync(input, `${lines.join('\n')}\n`);
    const output = path.join(tmp.dir, 'out.jsonl');
    const summary = await runBatch({ target: { model: IRIS_SVC }, input, key: 'id', output, shardSize: 2, stateDir: path.join(tmp.dir, 'state') });
    expect(summary).toMatchObject({ status: 'succeeded', rows: 8, keysWritten: 3, malformedRows: 5, duplicateKeys: 1 });
    expect(summary.errorFile).toBe(`${output}.errors.jsonl`);
    const reported = readJsonl<Reported>(summary.errorFile).sort((x, y) => x.row - y.row);
    expect(reported.map((r) => r.row)).toEqual([2, 3, 4, 7, 8]);
    expect(reported[0]?.error).toMatch(/not valid JSON/);
    expect(reported[1]?.error).toMatch(/missing key column "id"/);
    expect(reported[2]).toMatchObject({ key: 'c', error: expect.stringMatching(/non-numeric feature "f\[1\]"/) as unknown });
    expect(reported[3]).toMatchObject({ key: 'a', error: expect.stringMatching(/duplicate key/) as unknown });
    expect(reported[4]).toMatchObject({ key: 'e' });
    const written = readJsonl<{ id: string; prediction: number[] }>(output);
    expect(written.map((r) => r.id)).toEqual(['a', 'd', 'g']);
    // The first row with key "a" won.
    expect(written[0]?.prediction[0]).toBeGreaterThan(0.9);
  });

  it('CSV: reports a wrong column count and an empty feature by line number', async () => {
    const input = path.join(tmp.dir, 'rows.csv');
    writeFileSync(input, ['id,sl,sw,pl,pw', 'a,5.1,3.5,1.4,0.2', 'b,4.9,3.0,1.4', 'c,4.7,,1.3,0.2', '"d",6.7,3.0,5.2,2.3'].join('\r\n'));
    const errors = path.join(tmp.dir, 'custom-errors.jsonl');
    const output = path.join(tmp.dir, 'out.csv');
    const summary = await runBatch({ target: { model: IRIS_SVC }, input, key: 'id', output, errors, stateDir: path.join(tmp.dir, 'state') });
    expect(summary).toMatchObject({ rows: 4, keysWritten: 2, malformedRows: 2, errorFile: errors });
    const reported = readJsonl<Reported>(errors);
    expect(reported).toEqual([
      { row: 3, error: 'wrong column count: 4 cells, the header has 5' },
      { row: 4, key: 'c', error: 'missing feature "sw"' },
    ]);
  });
});
