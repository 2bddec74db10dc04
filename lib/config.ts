import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** What the pipeline runs on: sources, their feeds and how politely to fetch them (config/feeds.json). */

const FeedKindSchema = z.enum(['rss', 'atom', 'sitemap', 'auto']);

const FeedSchema = z
  .object({
    /**
     * Absolute http(s) URL. `{date}` is replaced by today's date (yyyy-MM-dd) in the source's time zone,
     * for daily sitemaps such as /sitemap-article-2026-09-05.xml.
     */
    url: z
      .string()
      .refine((value) => isHttpUrl(value.replaceAll('{date}', '2000-01-01')), 'an absolute http(s) URL'),
    kind: FeedKindSchema.default('auto'),
  })
  .strict();

const PolitenessSchema = z
  .object({
    /** Requests in flight to this source's host at once. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Minimum time between the starts of two requests to the host. */
    minIntervalMs: z.number().int().min(0).default(1000),
  })
  .strict();

const SourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, "." and "-"'),
    name: z.string().min(1),
    domain: z.string().min(1),
    /**
     * Adapter id (lib/sources) to extract this source's pages with, for a source served from another host
     * (a mirror, the sample site). Without it the adapter is chosen by each page URL's domain.
     */
    adapter: z.string().optional(),
    /** IANA zone used for `{date}` in feed URLs. */
    timeZone: z.string().default('Asia/Ho_Chi_Minh'),
    /** How often the scheduler considers the source's feeds due. */
    intervalMinutes: z.number().int().min(1).default(15),
    politeness: PolitenessSchema.default({ concurrency: 2, minIntervalMs: 1000 }),
    /** All feeds are tried on every run; an article listed by several is processed once. */
    feeds: z.array(FeedSchema).min(1),
  })
  .strict();

export const IngestConfigSchema = z
  .object({
    userAgent: z.string().regex(/https?:\/\//, 'a User-Agent with a contact URL'),
    sources: z.array(SourceSchema).min(1),
  })
  .strict()
  .superRefine((config, context) => {
    const seen = new Set<string>();
    for (const [index, source] of config.sources.entries()) {
      if (seen.has(source.id)) {
        context.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `duplicate source id "${source.id}"` });
      }
      seen.add(source.id);
    }
  });

export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type SourceConfig = IngestConfig['sources'][number];
export type FeedConfig = SourceConfig['feeds'][number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates parsed JSON; throws ConfigError naming every bad field. */
export function parseConfig(json: unknown, origin = 'config'): IngestConfig {
  const result = IngestConfigSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`${origin} is not a valid ingest config: ${problems.join('; ')}`);
  }
  return result.data;
}

export async function loadConfig(path: string): Promise<IngestConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(json, path);
}

export function findSource(config: IngestConfig, sourceId: string): SourceConfig {
  const source = config.sources.find((candidate) => candidate.id === sourceId);
  if (!source) throw new ConfigError(`unknown source "${sourceId}" (configured: ${config.sources.map((s) => s.id).join(', ')})`);
  return source;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
