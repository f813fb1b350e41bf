import { request } from 'undici';
import type { AlertRuleConfig } from './schema.js';

/** What a sink receives when an alert starts firing or clears. */
export interface AlertMessage {
  readonly monitor: string;
  readonly model: string;
  readonly alert: string;
  readonly when: string;
  readonly status: 'firing' | 'resolved';
  readonly at: string;
  readonly driftShare: number;
  readonly driftedFeatures: readonly string[];
  readonly samples: number;
  /** A rule on a stored evaluation metric (`accuracy < 0.9`): the window it judged. */
  readonly evaluation?: {
    readonly model: string;
    readonly version: string;
    readonly windowStart: string;
    readonly windowEnd: string;
    readonly joined: number;
    readonly computedAt: string;
  };
}

export interface AlertSinkOptions {
  /** Where the log sink writes (one JSON line per message). @default stderr */
  readonly writeLog?: (line: string) => void;
  /** Delay before the first retry, doubled for each next one. @default 200 ms */
  readonly retryDelayMs?: number;
}

/** Delivers one message; rejects when a webhook still fails after its retries (the caller keeps the alert unsent). */
export async function deliverAlert(rule: AlertRuleConfig, message: AlertMessage, options: AlertSinkOptions = {}): Promise<void> {
  if (rule.sink === 'log') {
    const write = options.writeLog ?? ((line: string) => process.stderr.write(line));
    write(`${JSON.stringify({ level: message.status === 'firing' ? 'warn' : 'info', msg: `alert ${message.alert} ${message.status}`, ...message })}\n`);
    return;
  }
  await postWithRetries(rule.url ?? '', message, rule.retries, options.retryDelayMs ?? 200);
}

async function postWithRetries(url: string, body: unknown, retries: number, delayMs: number): Promise<void> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    try {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000 });
      await res.body.dump();
      if (res.statusCode < 300) return;
      lastError = new Error(`webhook ${url} answered ${res.statusCode}`);
      // A 4xx other than 408/429 will not get better by retrying.
      if (res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) break;
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw new Error(`webhook ${url} failed after ${retries + 1} attempt(s): ${lastError?.message ?? 'unknown error'}`);
}
