import type { z } from 'zod';
import { formatIssues } from '../../package/format-issues.js';

/**
 * A built-in's `with:` checked against its schema; the Error's message lists
 * every problem (`source: Required; gate.1: …`), which the runner reports under
 * `steps.<name>.with`.
 */
export function parseSettings<S extends z.ZodType>(schema: S, settings: Readonly<Record<string, unknown>>): z.output<S> {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) throw new Error(formatIssues(parsed.error.issues));
  return parsed.data;
}
