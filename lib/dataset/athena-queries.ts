export interface SavedQuery {
  name: string;
  description: string;
  sql: string;
}

/**
 * The Athena workgroup's saved queries (infra/dataset.ts); docs/dataset.md prints the same text. `date` is quoted: DATE is also a
 * keyword. They read articles_daily: only its days are partitions (articles, keyed by id, is read whole by every query).
 */
export function savedQueries(databaseName: string): SavedQuery[] {
  return [
    {
      name: 'Articles per source per day',
      description: 'How many articles each source published per day, last 30 days (as of the last compaction)',
      sql: `SELECT source_id, "date", count(*) AS articles
FROM "${databaseName}"."articles_daily"
WHERE "date" >= date_format(current_date - interval '30' day, '%Y-%m-%d')
GROUP BY source_id, "date"
ORDER BY "date" DESC, source_id;`,
    },
    {
      name: 'Articles missing a date or byline',
      description: 'Articles the extractor found no publish date or no author for, last 7 days (extraction drift)',
      sql: `SELECT source_id, "date", id, url, title, publishedat, cardinality(authors) AS author_count, missing
FROM "${databaseName}"."articles_daily"
WHERE "date" >= date_format(current_date - interval '7' day, '%Y-%m-%d')
  AND (publishedat IS NULL OR cardinality(authors) = 0)
ORDER BY source_id, "date" DESC;`,
    },
    {
      name: 'Full-text search',
      description: 'Articles whose title, lead or body contains a phrase (replace the phrase), from the daily compaction',
      sql: `SELECT source_id, "date", title, url
FROM "${databaseName}"."articles_daily"
WHERE "date" BETWEEN '2024-10-01' AND '2024-10-31'
  AND (lower(title) LIKE '%đà nẵng%' OR lower(lead) LIKE '%đà nẵng%' OR lower(body.text) LIKE '%đà nẵng%')
ORDER BY "date" DESC
LIMIT 100;`,
    },
  ];
}
