import { readFile } from 'node:fs/promises';
import * as z from './schema/zod.ts';

/** What the pipeline runs on: sources, their feeds and how politely to fetch them (config/feeds.json). */

const FeedKindSchema = z.enum(['rss', 'atom', 'sitemap', 'auto']);

const FeedSchema = z.strictObject({
  /**
   * Absolute http(s) URL. `{date}` is replaced by today's date (yyyy-MM-dd) in the source's time zone,
   * for daily sitemaps such as /sitemap-article-2026-09-05.xml.
   */
  url: z
    .string()
    .check(z.refine((value) => isHttpUrl(value.replaceAll('{date}', '2000-01-01')), 'an absolute http(s) URL')),
  kind: z._default(FeedKindSchema, 'auto'),
});

const PolitenessSchema = z.strictObject({
  /** Requests in flight to this source's host at once. */
  concurrency: z._default(z.number().check(z.int(), z.gte(1), z.lte(16)), 2),
  /** Minimum time between the starts of two requests to the host. */
  minIntervalMs: z._default(z.number().check(z.int(), z.gte(0)), 1000),
});

const SourceSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, "." and "-"')),
  name: z.string().check(z.minLength(1)),
  domain: z.string().check(z.minLength(1)),
  /**
   * Adapter id (lib/sources) to extract this source's pages with, for a source served from another host
   * (a mirror, the sample site). Without it the adapter is chosen by each page URL's domain.
   */
  adapter: z.optional(z.string()),
  /** IANA zone used for `{date}` in feed URLs. */
  timeZone: z._default(z.string(), 'Asia/Ho_Chi_Minh'),
  /** How often the scheduler considers the source's feeds due. */
  intervalMinutes: z._default(z.number().check(z.int(), z.gte(1)), 15),
  politeness: z._default(PolitenessSchema, { concurrency: 2, minIntervalMs: 1000 }),
  /**
   * Follow redirects from https to plain http on this source's hosts, for a site that sends readers to an
   * http page; refused by default (the item ends `failed:insecure-redirect`).
   */
  allowInsecureRedirects: z._default(z.boolean(), false),
  /** All feeds are tried on every run; an article listed by several is processed once. */
  feeds: z.array(FeedSchema).check(z.minLength(1)),
});

export const IngestConfigSchema = z
  .strictObject({
    userAgent: z.string().check(z.regex(/https?:\/\//, 'a User-Agent with a contact URL')),
    sources: z.array(SourceSchema).check(z.minLength(1)),
  })
  .check(
    z.superRefine((config, context) => {
      const seen = new Set<string>();
      for (const [index, source] of config.sources.entries()) {
        if (seen.has(source.id)) {
          context.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `duplicate source id "${source.id}"` });
        }
        seen.add(source.id);
      }
    }),
  );

export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type SourceConfig = IngestConfig['sources'][number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates parsed JSON; throws ConfigError naming every bad field. */
export function parseConfig(json: unknown, origin = 'config'): IngestConfig {
  const result = IngestConfigSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(`${origin} is not a valid ingest config: ${z.describeIssues(result.error.issues)}`);
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
