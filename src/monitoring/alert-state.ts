import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a monitor remembers between runs (also between `--once` processes): the
 * alerts that are firing (so they are not re-sent) and trigger baselines.
 * One JSON file per monitor under `<stateDir>/monitoring/`.
 */
export interface MonitorState {
  /** Alert name → when it started firing (ISO). */
  active: Record<string, string>;
  /** Trigger name → its baseline value and whether it has fired since the condition last cleared. */
  triggers: Record<string, { baseline?: number; fired?: boolean }>;
}

export function stateFile(stateDir: string, monitor: string): string {
  return path.join(stateDir, 'monitoring', `${monitor}.json`);
}

export async function readState(file: string): Promise<MonitorState> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { active: {}, triggers: {} };
  const parsed = JSON.parse(text) as Partial<MonitorState>;
  return { active: parsed.active ?? {}, triggers: parsed.triggers ?? {} };
}

/** Written to a temporary file and renamed, so a crash never leaves half a state. */
export async function writeState(file: string, state: MonitorState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}
