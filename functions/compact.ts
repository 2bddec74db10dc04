import { Logger } from '@aws-lambda-powertools/logger';
import { compactRecentDays, type CompactSummary } from '../lib/dataset/compact.ts';
import { bucketStoreFromEnv } from '../lib/dataset/open-store.ts';
import * as z from '../lib/schema/zod.ts';
import { METRICS_SERVICE } from './metric-names.ts';

/**
 * Scheduled daily compaction (infra/compaction.ts): re-compacts the last LOOKBACK_DAYS closed days of
 * every source in SOURCE_IDS. An invocation may pass {"days": N} to reach further back once.
 */

const logger = new Logger({ serviceName: METRICS_SERVICE });

const EnvSchema = z.object({
  SOURCE_IDS: z.pipe(
    z.string().check(z.minLength(1)),
    z.transform((value: string) => value.split(',')),
  ),
  LOOKBACK_DAYS: z.coerce.number().check(z.int(), z.gte(1), z.lte(366)),
});

const EventSchema = z.looseObject({ days: z.optional(z.number().check(z.int(), z.gte(1), z.lte(3660))) });

export async function handler(event: unknown): Promise<CompactSummary> {
  const env = parseOrExplain(EnvSchema, process.env, 'compaction function environment');
  const { days } = parseOrExplain(EventSchema, event ?? {}, 'compaction event');
  const summary = await compactRecentDays({
    store: bucketStoreFromEnv(process.env),
    sources: env.SOURCE_IDS,
    days: days ?? env.LOOKBACK_DAYS,
    onPartition: (result) => {
      if (result.outcome === 'failed') logger.error('partition not compacted', { ...result });
      else logger.info('partition compacted', { ...result });
    },
  });
  logger.info('compaction done', { ...summary });
  // A day left uncompacted must show up as a failed invocation (and its alarm), not only in the logs.
  if (summary.failed > 0) throw new Error(`${summary.failed} partitions could not be compacted (see the log for each)`);
  return summary;
}

/** A readable error naming the input and each bad field, instead of zod's JSON issue dump. */
function parseOrExplain<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`${what} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}
