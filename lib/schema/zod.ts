import { config } from 'zod/mini';
import english from 'zod/v4/locales/en.js';

/**
 * zod/mini, the tree-shakable zod: a Lambda bundle carries only the schema types it uses (classic zod
 * attaches every method to every schema, ~450 KB minified). zod/mini loads no locale on its own, so every
 * issue would read "Invalid input"; the English locale names what was expected and what was received,
 * as classic zod does. Every module that validates imports `* as z` from here so the locale is always set
 * (a namespace import, not zod/mini's `z` object, which would pull every locale into the bundle).
 */
config(english());

export * from 'zod/mini';

/** Every issue of a failed parse as "path: message", joined by "; ", so an error names each bad field. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}
