import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readVisitorData, writeVisitorData } from '../../examples/demand-forecast/data-io.js';
import { featureMatrix, readFeatureSet, writeFeatureSet } from '../../examples/demand-forecast/feature-io.js';
import { buildFeatures } from '../../examples/demand-forecast/features.js';
import { generateVisitors } from '../../examples/demand-forecast/generate.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-df-io-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const data = generateVisitors({ seed: 3, stores: 4, years: 1.5, endDate: '2024-03-10' });

describe('demand-forecast artifacts', () => {
  it('visitors.csv and stores.csv read back to the same data', () => {
    const dir = tempDir();
    writeVisitorData(dir, data);
    const back = readVisitorData(dir);
    expect(back.firstDay).toBe(data.firstDay);
    expect(back.days).toBe(data.days);
    expect(back.stores).toEqual(data.stores);
    back.visitors.forEach((series, s) => expect(Array.from(series)).toEqual(Array.from(data.visitors[s] ?? [])));
  });

  it('say what is wrong with a visitors file: missing day, duplicate, unknown store, bad number, header', () => {
    const dir = tempDir();
    writeVisitorData(dir, data);
    const file = path.join(dir, 'visitors.csv');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const attempt = (content: string[]): (() => unknown) => {
      writeFileSync(file, `${content.join('\n')}\n`);
      return () => readVisitorData(dir);
    };
    expect(attempt(lines.filter((_, i) => i !== 10))).toThrow(/has no row for 1 day\(s\).*write 0 for days it was closed/);
    expect(attempt([...lines, lines[10] ?? ''])).toThrow(/has two rows for/);
    expect(attempt([...lines, '2024-03-11,S999,5'])).toThrow(/store "S999" is not in stores.csv/);
    expect(attempt([...lines.slice(0, 5), '2024-03-11,S001,-4'])).toThrow(/visitors.csv:6: visitors must be a number >= 0/);
    expect(attempt(['day,store,visitors', ...lines.slice(1)])).toThrow(/the first line must be the header "date,store,visitors"/);
  });

  it('a feature set reads back exactly', () => {
    const dir = tempDir();
    const set = buildFeatures(data, [400, 407]);
    writeFeatureSet(dir, set, data.stores);
    const back = readFeatureSet(dir);
    expect(back.names).toEqual(set.names);
    expect(back.rows).toBe(set.rows);
    expect(Array.from(back.x)).toEqual(Array.from(set.x));
    expect(Array.from(back.level)).toEqual(Array.from(set.level));
    expect(Array.from(back.actual)).toEqual(Array.from(set.actual));
    expect(Array.from(back.seasonalNaive)).toEqual(Array.from(set.seasonalNaive));
    expect(Array.from(back.originDay)).toEqual(Array.from(set.originDay));
    expect(back.storeIds).toEqual(data.stores.map((s) => s.id));
    expect(featureMatrix(back)[3]).toEqual(Array.from(set.x.subarray(3 * set.names.length, 4 * set.names.length)));
  });
});
