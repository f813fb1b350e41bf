import type { z } from 'zod';

export interface FormatIssuesOptions {
  /** Where an issue without a path is said to be; without it, such an issue is its message alone. */
  readonly root?: string;
  /** Between issues. @default "; " */
  readonly separator?: string;
  /** Before each issue, e.g. "  - " for a bulleted list. @default "" */
  readonly bullet?: string;
}

/**
 * Zod issues as one human-readable reason: `path.to.field: message` per
 * issue. The one formatter for manifests, step options, function model
 * definitions and config files, so they all read alike.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], options: FormatIssuesOptions = {}): string {
  const { root, separator = '; ', bullet = '' } = options;
  return issues
    .map((issue) => {
      // map(String): a path segment may be a symbol, which join() cannot print.
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
      return `${bullet}${where === undefined ? '' : `${where}: `}${issue.message}`;
    })
    .join(separator);
}
