import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run-batch.js';
import { IRIS_SVC, irisRows, maxDiffByKey, readJsonl, tempDir } from './helpers.js';
import { writeParquet } from './parquet-writer.js';

const tmp = tempDir('parquet');
afterAll(() => tmp.remove());

describe('batch run: Parquet input', () => {
  it('reads every row (hyparquet) and predicts it once, equal to expected.json', async () => {
    const rows = irisRows();
    const input = path.join(tmp.dir, 'iris.parquet');
    writeParquet(input, {
      id: rows.map((r) => r.id),
      sl: rows.map((r) => r.features[0] as number),
      sw: rows.map((r) => r.features[1] as number),
      pl: rows.map((r) => r.features[2] as number),
      pw: rows.map((r) => r.features[3] as number),
    });
    const output = path.join(tmp.dir, 'out.jsonl');
    const summary = await runBatch({ target: { model: IRIS_SVC }, input, key: 'id', output, shardSize: 64, stateDir: path.join(tmp.dir, 'state') });
    expect(summary).toMatchObject({ status: 'succeeded', rows: 150, keysWritten: 150, shards: 3, malformedRows: 0 });
    const written = readJsonl<{ id: string; prediction: number[] }>(output);
    expect(written.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(maxDiffByKey(new Map(written.map((r) => [r.id, r.prediction])), rows)).toBeLessThan(1e-4);
  });
});
