import { request } from 'undici';

/** The sum of a Prometheus counter's samples whose labels include `labels` (0 when none). */
export async function metricValue(url: string, name: string, labels: Readonly<Record<string, string>>): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>();
    for (const m of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found.set(m[1] ?? '', m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) total += Number(match[3]);
  }
  return total;
}

/**
 * Polls a counter until it reaches `atLeast` (background work reports after the
 * answer), then returns its value; past the deadline returns what it saw, so the
 * test's own assertion fails with the real figure.
 */
export async function waitForMetric(url: string, name: string, labels: Readonly<Record<string, string>>, atLeast: number, deadlineMs = 5000): Promise<number> {
  const until = Date.now() + deadlineMs;
  let value = await metricValue(url, name, labels);
  while (value < atLeast && Date.now() < until) {
    await new Promise((resolve) => setImmediate(resolve));
    value = await metricValue(url, name, labels);
  }
  return value;
}
