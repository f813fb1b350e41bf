/**
 * Runs the whole prep–pred example: starts the prediction server (pred.yaml) and the
 * front (prep.yaml, with PRED_URL pointing at the prediction server) as two processes of
 * the built CLI, sends the sample images through the front, prints each one's label and
 * probabilities and where the request id went, then stops both.
 *
 *   npm run build && npx tsx examples/prep-pred/run.ts      (or: npm run example:prep-pred)
 *
 * Both listen on free ports of 127.0.0.1, so nothing else need be stopped first.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const EXAMPLE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(EXAMPLE, '..', '..');
const BIN = join(ROOT, 'bin', 'mlpatterns.js');
const START_TIMEOUT_MS = 30_000;
const REQUEST_ID = 'prep-pred-demo';

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<unknown>;
  /** What the process printed so far: its JSON log lines. */
  readonly output: () => string;
}

/** Starts `mlpatterns serve <config>` and resolves once it prints the URL it serves on. */
function serve(name: string, config: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', join(EXAMPLE, config), '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, ...env },
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  let output = '';
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${errors || output}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const url = /serving .* on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ name, url, child, exited, output: () => output });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${String(code)}) before serving:\n${errors || output}`));
    });
  });
}

async function stop(server: Server | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

/** The prediction server's request log line for this id, once its output has it (logs are written as it answers). */
async function loggedRequest(server: Server, requestId: string): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const line = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((entry) => entry.reqId === requestId && entry.msg === 'request');
    if (line !== undefined || Date.now() > deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('The CLI is not built: run `npm run build` first.');
  process.exit(1);
}

const classNames = (parse(readFileSync(join(EXAMPLE, 'classifier', 'mlpatterns.model.yaml'), 'utf8')) as { labels: string[] }).labels;
const samples = readdirSync(join(EXAMPLE, 'samples'))
  .filter((file) => /\.(png|jpe?g|webp)$/i.test(file))
  .sort();

let pred: Server | undefined;
let front: Server | undefined;
try {
  pred = await serve('pred', 'pred.yaml');
  console.log(`pred   ${pred.url}  (examples/prep-pred/pred.yaml: model classifier)`);
  front = await serve('front', 'prep.yaml', { PRED_URL: pred.url });
  console.log(`front  ${front.url}  (examples/prep-pred/prep.yaml: model image-prep, service classify; PRED_URL=${pred.url})`);

  const instances = samples.map((file) => ({ image: readFileSync(join(EXAMPLE, 'samples', file)).toString('base64') }));
  const url = `${front.url}/v1/services/classify/predict`;
  console.log(`\nPOST ${url}  x-request-id: ${REQUEST_ID}  (${samples.length} images from ${relative(process.cwd(), join(EXAMPLE, 'samples'))})`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': REQUEST_ID },
    body: JSON.stringify({ instances }),
  });
  const body = (await res.json()) as { predictions?: number[][]; labels?: string[]; request_id?: string; error?: string; code?: string };
  if (!res.ok) throw new Error(`front answered ${res.status}: ${body.code}: ${body.error}`);

  samples.forEach((file, i) => {
    const probabilities = (body.predictions?.[i] ?? []).map((p, c) => `${classNames[c]}=${p.toFixed(4)}`).join('  ');
    console.log(`  ${file.padEnd(16)} ${(body.labels?.[i] ?? '?').padEnd(11)} ${probabilities}`);
  });

  const logged = await loggedRequest(pred, REQUEST_ID);
  console.log(`\nrequest id: the front answered request_id=${body.request_id}`);
  console.log(
    logged
      ? `            the prediction server logged reqId=${String(logged.reqId)} for ${String(logged.method)} ${String(logged.url)} → ${String(logged.status)}`
      : '            the prediction server did not log it (log level above info?)',
  );
} finally {
  await Promise.all([stop(front), stop(pred)]);
  console.log('\nstopped both processes');
}
