import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch, type BatchProgress } from '../../src/batch/run-batch.js';
import { readRunStatus } from '../../src/batch/run-status.js';
import { expected } from '../helpers/fixtures.js';
import { IRIS_SVC, irisRows, maxDiffByKey, readJsonl, shardRows, tempDir, writeIrisCsv } from './helpers.js';

const tmp = tempDir('csv');
afterAll(() => tmp.remove());

describe('batch run: CSV → JSON Lines with a reference model', () => {
  const rows = irisRows();
  const input = path.join(tmp.dir, 'iris.csv');
  const output = path.join(tmp.dir, 'out', 'predictions.jsonl');
  const stateDir = path.join(tmp.dir, 'state');
  writeIrisCsv(input, rows);
  const options = { target: { model: IRIS_SVC }, input, key: 'id', output, shardSize: 40, workers: 2, stateDir };

  it('predicts every row once, equal to expected.json, in input order', async () => {
    const progress: BatchProgress[] = [];
    const summary = await runBatch(options, { onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ status: 'succeeded', rows: 150, keysWritten: 150, malformedRows: 0, shards: 4, shardsResumed: 0 });
    const written = readJsonl<{ id: string; prediction: number[]; label: string }>(output);
    expect(written.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(maxDiffByKey(new Map(written.map((r) => [r.id, r.prediction])), rows)).toBeLessThan(1e-4);
    expect(written[0]?.label).toBe('setosa');
    const last = progress.at(-1);
    expect(last).toMatchObject({ rowsDone: 150, rowsTotal: 150, shardsDone: 4 });
    expect(readFileSync(summary.errorFile, 'utf8')).toBe('');
  });

  it('a second submission of the same run is the same run: nothing redone, output untouched', async () => {
    const before = shardRows(stateDir, (await runBatch(options)).runId);
    const mtime = statSync(output).mtimeMs;
    const again = await runBatch(options);
    expect(again).toMatchObject({ status: 'succeeded', keysWritten: 150, shardsResumed: 4, shards: 4 });
    expect(shardRows(stateDir, again.runId)).toEqual(before);
    expect(before.every((s) => s.submissions === 1 && s.status === 'done')).toBe(true);
    expect(statSync(output).mtimeMs).toBe(mtime);
    expect(readRunStatus(stateDir, again.runId)).toMatchObject({ state: 'succeeded', shardsDone: 4, shards: 4, rows: 150, keysWritten: 150 });
  });

  it('writes CSV too, one row per key', async () => {
    const csvOut = path.join(tmp.dir, 'predictions.csv');
    const summary = await runBatch({ ...options, output: csvOut });
    expect(summary.keysWritten).toBe(150);
    const lines = readFileSync(csvOut, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,prediction,label');
    expect(lines).toHaveLength(151);
    const first = /^r0,"(\[.*\])",setosa$/.exec(lines[1] ?? '');
    expect(JSON.parse(first?.[1] ?? 'null')).toHaveLength(3);
    expect(Math.abs((JSON.parse(first?.[1] ?? '[0]') as number[])[0]! - expected.iris_svc[0]![0]!)).toBeLessThan(1e-4);
  });
});
