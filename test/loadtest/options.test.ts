import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadtestUsageError, defaultConnections, parseDuration, planFromFlags } from '../../src/loadtest/options.js';

describe('loadtest flags', () => {
  it('reads durations in ms, s, m, h and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('10')).toBe(10_000);
  });

  it.each([
    ['not a URL', 'nope', { rate: '10', duration: '1s' }, /is not a URL/],
    ['a non-HTTP URL', 'ftp://x/y', { rate: '10', duration: '1s' }, /only http/],
    ['a missing rate', 'http://x/', { duration: '1s' }, /--rate .* is required/],
    ['a zero rate', 'http://x/', { rate: '0', duration: '1s' }, /--rate must be a positive number, got "0"/],
    ['a word for a rate', 'http://x/', { rate: 'fast', duration: '1s' }, /--rate must be a positive number/],
    ['a missing duration', 'http://x/', { rate: '10' }, /--duration .* is required/],
    ['a bad duration', 'http://x/', { rate: '10', duration: '5 minutes' }, /--duration must look like 500ms, 30s, 2m/],
    ['a zero duration', 'http://x/', { rate: '10', duration: '0s' }, /at least 1ms/],
    ['fractional connections', 'http://x/', { rate: '10', duration: '1s', connections: '1.5' }, /--connections must be a positive integer/],
    ['a malformed header', 'http://x/', { rate: '10', duration: '1s', header: ['novalue'] }, /--header must be name:value/],
    ['invalid JSON data', 'http://x/', { rate: '10', duration: '1s', data: '{nope' }, /--data is not valid JSON/],
    ['both data and body', 'http://x/', { rate: '10', duration: '1s', data: '{}', body: 'f.json' }, /not both/],
    ['a missing body file', 'http://x/', { rate: '10', duration: '1s', body: '/no/such/file.json' }, /cannot read --body/],
  ])('rejects %s with a clear message', (_name, url, flags, message) => {
    expect(() => planFromFlags(url, flags)).toThrow(LoadtestUsageError);
    expect(() => planFromFlags(url, flags)).toThrow(message);
  });

  it('builds a POST plan from a body file with headers', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'loadtest-')), 'body.json');
    writeFileSync(file, '{"instances":[[5.1,3.5,1.4,0.2]]}');
    const plan = planFromFlags('http://127.0.0.1:8080/v1/models/iris/predict?x=1', {
      rate: '50',
      duration: '2m',
      body: file,
      header: ['X-Request-Id: abc', 'Authorization:Bearer t'],
    });
    expect(plan).toMatchObject({
      method: 'POST',
      ratePerS: 50,
      durationMs: 120_000,
      connections: defaultConnections(50),
      timeoutMs: 10_000,
      headers: { 'x-request-id': 'abc', authorization: 'Bearer t', 'content-type': 'application/json' },
    });
    expect(plan.body?.toString()).toContain('instances');
  });

  it('opens enough connections for the rate by default, within 4 to 1000', () => {
    expect(defaultConnections(1)).toBe(4);
    expect(defaultConnections(200)).toBe(20);
    expect(defaultConnections(1e6)).toBe(1000);
  });
});
