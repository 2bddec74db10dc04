/**
 * Names shared by the handlers that emit metrics and the CDK monitoring that alarms on them: a renamed
 * metric here renames both, so an alarm can never watch a metric nobody emits.
 *
 * Every metric is published with the `service` dimension only. Each (name, dimension values) pair is a
 * custom metric billed about $0.30 a month, so a `source` dimension would multiply the fixed cost by the
 * number of sources (138 metrics, $41 a month, for six sources before this design; 500 sources would be
 * thousands of dollars). Per-source detail lives where it costs nothing until read: the structured log
 * lines (Logs Insights: `stats count(*) by sourceId, state`) and the health object dispatch keeps for every
 * source (lib/pipeline/source-health.ts), which becomes SourcesStale and SourcesDrifting.
 */
export const METRICS_NAMESPACE = 'NewsIngest';
/** Powertools always adds a `service` dimension; alarms must name it to match the emitted series. */
export const METRICS_SERVICE = 'news-ingest';

export const MetricNames = {
  /** Feeds that failed permanently (404, not a feed, …) and were acknowledged; retryable failures end in the DLQ. */
  FeedsFailed: 'FeedsFailed',
  /** New articles stored (dashboard throughput). */
  ArticlesStored: 'ArticlesStored',
  /** Articles that failed permanently (extraction error, unknown source) and were acknowledged. */
  ArticlesFailed: 'ArticlesFailed',
  /** Sources with no new article for the configured hours (dispatch, every tick). */
  SourcesStale: 'SourcesStale',
  /** Sources whose new articles lack publishedAt or authors more often than the threshold (dispatch). */
  SourcesDrifting: 'SourcesDrifting',
  /** Articles queued on a day that have no final state in the run ledger (dispatch, once per day). */
  RunLedgerUnaccounted: 'RunLedgerUnaccounted',
} as const;

/** The fields whose absence signals a template change on the site (extraction drift). */
export const DRIFT_FIELDS = ['publishedAt', 'authors'] as const;
