import { FetchError } from './http/types.ts';

/**
 * The one way an error becomes a line of text, in item states, run summaries, logs and CLI messages:
 * a fetch error leads with its kind ("timeout: …"), a specific error class with its name ("SyntaxError: …",
 * "S3ServiceException: …"), and a plain Error, whose message is written to be read alone, is its message.
 */
export function describeError(error: unknown): string {
  if (error instanceof FetchError) return `${error.kind}: ${error.message}`;
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}
