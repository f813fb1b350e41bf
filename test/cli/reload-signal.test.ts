import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { postJson } from '../helpers/server.js';

/** `kill -HUP <pid>` applies an edited config file's services to the running `mlpatterns serve`. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'mlp-reload-'));
const file = path.join(dir, 'mlpatterns.yaml');
const configText = (threshold: string): string => `
models:
  - { name: setosa, path: ${JSON.stringify(path.join(FIXTURES, 'iris_svc_0_setosa.onnx'))} }
services:
  - name: flag
    graph: { type: threshold, threshold: ${threshold}, column: 0, input: { type: model, model: setosa } }
`;

describe('serve: SIGHUP reloads services', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies an edited threshold, and keeps serving the previous one when the edit is invalid', async () => {
    writeFileSync(file, configText('0.9'));
    const { url, child, exited } = await startCliServer([file, '--port', '0', '--log-level', 'silent']);
    try {
      const flag = async (): Promise<unknown> => (await postJson<{ predictions: { flag: number }[] }>(`${url}/v1/services/flag/predict`, { instances: [[5.1, 3.5, 1.4, 0.2]] })).body.predictions[0]?.flag;
      const nextLine = (pattern: RegExp, stream: NodeJS.ReadableStream): Promise<string> =>
        new Promise((resolve) => {
          let seen = '';
          const onData = (d: Buffer): void => {
            seen += d.toString();
            const match = pattern.exec(seen);
            if (match) {
              stream.off('data', onData);
              resolve(match[0]);
            }
          };
          stream.on('data', onData);
        });
      expect(await flag()).toBe(1);

      writeFileSync(file, configText('0.999'));
      const reloaded = nextLine(/services reloaded \(flag\)/, child.stdout);
      child.kill('SIGHUP');
      await reloaded;
      expect(await flag()).toBe(0);

      writeFileSync(file, configText('not-a-number'));
      const refused = nextLine(/reload refused[^\n]*/, child.stderr);
      child.kill('SIGHUP');
      expect(await refused).toContain('still serving the previous services');
      expect(await flag()).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
