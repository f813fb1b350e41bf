import { request } from 'undici';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';

/** Starts a real server on an ephemeral loopback port, without logs. */
export async function startTestServer(
  models: ConfigInput['models'],
  options: { storage?: ConfigInput['storage']; server?: Partial<NonNullable<ConfigInput['server']>>; services?: ConfigInput['services'] } = {},
): Promise<RunningServer> {
  const config = resolveConfig({
    server: { host: '127.0.0.1', port: 0, logLevel: 'silent', ...options.server },
    ...(options.storage ? { storage: options.storage } : {}),
    models,
    ...(options.services ? { services: options.services } : {}),
  });
  return startServer(config, { logger: false });
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export async function postJson<T = Record<string, unknown>>(url: string, body: unknown): Promise<JsonResponse<T>> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<JsonResponse<T>> {
  const res = await request(url);
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as T };
}
