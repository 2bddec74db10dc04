/**
 * Names shared by the handlers that emit metrics and the CDK monitoring that alarms on them: a renamed
 * metric here renames both, so an alarm can never watch a metric nobody emits.
 */
export const METRICS_NAMESPACE = 'NewsIngest';
/** Powertools always adds a `service` dimension; alarms must name it to match the emitted series. */
export const METRICS_SERVICE = 'news-ingest';

export const SOURCE_DIMENSION = 'source';
export const FIELD_DIMENSION = 'field';

export const MetricNames = {
  FeedsFetched: 'FeedsFetched',
  FeedsNotModified: 'FeedsNotModified',
  FeedsFailed: 'FeedsFailed',
  ArticlesDiscovered: 'ArticlesDiscovered',
  ArticlesStored: 'ArticlesStored',
  ArticlesUpdated: 'ArticlesUpdated',
  ArticlesUnchanged: 'ArticlesUnchanged',
  ArticlesSkipped: 'ArticlesSkipped',
  ArticlesFailed: 'ArticlesFailed',
  /** Per extracted article and per watched field in its `missing[]`, with a `field` dimension. */
  MissingField: 'MissingField',
  FetchLatency: 'FetchLatency',
  /** From the article's publishedAt to the moment it was first stored. */
  PublishToStoreLag: 'PublishToStoreLag',
} as const;

/** The fields whose absence signals a template change on the site (extraction drift). */
export const DRIFT_FIELDS = ['publishedAt', 'authors'] as const;

/**
 * MissingField is emitted for these fields only. Every (source, field) pair is a billed custom metric
 * (about $0.30 a month each), and any field's absence is queryable in the dataset itself (`missing[]`).
 */
export const MISSING_FIELD_METRICS: readonly string[] = [...DRIFT_FIELDS, 'body'];
