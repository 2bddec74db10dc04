import { Logger } from '@aws-lambda-powertools/logger';
import { compactDataset, type CompactSummary } from '../lib/dataset/compact.ts';
import { bucketStoreFromEnv } from '../lib/dataset/open-store.ts';
import * as z from '../lib/schema/zod.ts';
import { METRICS_SERVICE } from './metric-names.ts';

/**
 * Scheduled daily compaction (infra/compaction.ts): compacts every day whose articles changed since the
 * last run (lib/dataset/compact.ts). An invocation may pass {"full": true} to rebuild every day once.
 */

const logger = new Logger({ serviceName: METRICS_SERVICE });

const EventSchema = z.looseObject({ full: z.optional(z.boolean()) });

export async function handler(event: unknown): Promise<CompactSummary> {
  const { full } = parseOrExplain(EventSchema, event ?? {}, 'compaction event');
  const summary = await compactDataset({
    store: bucketStoreFromEnv(process.env),
    full: full === true,
    onPartition: (result) => {
      if (result.outcome === 'failed') logger.error('partition not compacted', { ...result });
      else logger.info('partition compacted', { ...result });
    },
  });
  logger.info('compaction done', { ...summary });
  // A day left uncompacted must show up as a failed invocation (and its alarm), not only in the logs.
  if (summary.failed > 0 || summary.unreadable > 0) {
    throw new Error(`${summary.failed} partitions could not be compacted, ${summary.unreadable} changed articles unreadable (see the log)`);
  }
  return summary;
}

/** A readable error naming the input and each bad field, instead of zod's JSON issue dump. */
function parseOrExplain<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`${what} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}
