import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { IngestConfig } from '../lib/config.ts';
import { DailyCompaction } from './compaction.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Pipeline } from './constructs/pipeline.ts';
import { Storage } from './constructs/storage.ts';
import { DatasetCatalog } from './dataset.ts';
import { ReextractBackfill } from './reextract.ts';
import { FeedStateReconciliation } from './reconcile.ts';
import type { DeploySettings } from './settings.ts';

export interface NewsIngestStackProps extends StackProps {
  settings: DeploySettings;
  /** The parsed config/feeds.json: its sources get their own alarms. */
  config: IngestConfig;
  /** Repository root, for bundling the functions and the config. */
  projectRoot: string;
}

/**
 * Scheduled ingestion into S3, the dataset's Athena catalog with its daily compaction and re-extraction
 * backfill, and a dashboard with alarms; environment-agnostic (no account or region).
 */
export class NewsIngestStack extends Stack {
  readonly storage: Storage;
  readonly pipeline: Pipeline;
  readonly dataset: DatasetCatalog;
  readonly compaction: DailyCompaction;
  readonly reextract: ReextractBackfill;
  readonly reconciliation: FeedStateReconciliation;
  readonly monitoring: Monitoring;
  readonly schedulerDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: NewsIngestStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.storage = new Storage(this, 'Storage', {
      rawRetentionDays: settings.rawRetentionDays,
      revisionRetentionDays: settings.revisionRetentionDays,
    });
    // Both schedules' undeliverable invocations and their functions' failed asynchronous runs.
    this.schedulerDeadLetterQueue = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.schedulerDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue (of the schedules and their asynchronous invocations).',
    });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      bucket: this.storage.bucket,
      projectRoot: props.projectRoot,
      configPath: settings.configPath,
      scheduleExpression: settings.scheduleExpression,
      schedulerDeadLetterQueue: this.schedulerDeadLetterQueue,
      staleAfterHours: settings.noNewArticlesHours,
      driftThresholdPercent: settings.driftThresholdPercent,
    });
    const sourceIds = props.config.sources.map((source) => source.id);
    this.dataset = new DatasetCatalog(this, 'Dataset', {
      bucket: this.storage.bucket,
      sources: sourceIds,
      accessLogsBucket: this.storage.accessLogsBucket,
      firstDate: settings.datasetFirstDate,
    });
    this.compaction = new DailyCompaction(this, 'Compaction', {
      bucket: this.storage.bucket,
      projectRoot: props.projectRoot,
      schedulerDeadLetterQueue: this.schedulerDeadLetterQueue,
    });
    this.reextract = new ReextractBackfill(this, 'Reextract', {
      bucket: this.storage.bucket,
      projectRoot: props.projectRoot,
      maxConcurrency: settings.reextractConcurrency,
      reservedConcurrency: settings.reextractReservedConcurrency,
    });
    this.reconciliation = new FeedStateReconciliation(this, 'Reconciliation', {
      bucket: this.storage.bucket,
      projectRoot: props.projectRoot,
      schedulerDeadLetterQueue: this.schedulerDeadLetterQueue,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: [
        { name: 'Dispatch', fn: this.pipeline.dispatchFunction },
        { name: 'FetchFeed', fn: this.pipeline.fetchFeedFunction },
        { name: 'ProcessArticle', fn: this.pipeline.processArticleFunction },
        { name: 'Compact', fn: this.compaction.function },
        { name: 'Reconcile', fn: this.reconciliation.function },
        // Its page failures are the map's to judge (tolerated failure percentage); the map retries its
        // throttles with backoff, so only throttling that lasts 15 minutes means the backfill is stuck.
        { name: 'Reextract', fn: this.reextract.function, alarmOnErrors: false, sustainedThrottlePeriods: 3 },
      ],
      stateMachines: [{ name: 'Reextract', stateMachine: this.reextract.stateMachine }],
      queues: [
        { name: 'FeedQueue', ...this.pipeline.feedQueue, maxMessageAge: Duration.hours(1) },
        { name: 'ArticleQueue', ...this.pipeline.articleQueue, maxMessageAge: Duration.hours(3) },
      ],
      schedulerDeadLetterQueue: this.schedulerDeadLetterQueue,
      articleLogGroup: this.pipeline.articleLogGroup,
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName, description: 'The dataset bucket' });
    new CfnOutput(this, 'DashboardUrl', { value: this.monitoring.dashboardUrl, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'FeedQueueUrl', { value: this.pipeline.feedQueue.queue.queueUrl });
    new CfnOutput(this, 'FeedDeadLetterQueueUrl', { value: this.pipeline.feedQueue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ArticleQueueUrl', { value: this.pipeline.articleQueue.queue.queueUrl });
    new CfnOutput(this, 'ArticleDeadLetterQueueUrl', { value: this.pipeline.articleQueue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'GlueDatabase', { value: this.dataset.databaseName, description: 'Athena: the articles tables' });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.dataset.workGroup.ref });
    new CfnOutput(this, 'ReextractStateMachineArn', {
      value: this.reextract.stateMachine.stateMachineArn,
      description: 'Start an execution (input {}) to re-extract every stored page',
    });
  }
}
