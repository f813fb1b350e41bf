import { ERROR_CODES } from './codes.js';

/** Renders docs/errors.md from the registry; a test keeps the committed file equal to it. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { status, message }]) => `| \`${code}\` | ${status} | ${message.replace(/\n/g, ' ').replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error the HTTP API returns has the body `{"error": "<message>", "code": "<CODE>"}` and the status below;',
    'the CLI prints `mlpatterns: <message> [<CODE>]` and exits with 2 for a 4xx-class error, 1 otherwise.',
    'Codes are stable: they are never renamed, only added. `{name}` marks a value filled in per error.',
    '',
    'This file is generated from `src/errors/codes.ts` by `npx tsx scripts/gen-errors-doc.ts`; a test fails when they differ.',
    '',
    '| code | HTTP status | message |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
