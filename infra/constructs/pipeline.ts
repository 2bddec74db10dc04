import { resolve } from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Architecture, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput, ContextAttribute } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RAW_ROOT } from '../../lib/dataset/partitions.ts';
import { CloudEnv } from '../../lib/pipeline/cloud-deps.ts';
import { DAILY_SUMMARY_RUN_ID, LEDGER_ROOT } from '../../lib/pipeline/run-ledger.ts';
import { SOURCE_HEALTH_KEY } from '../../lib/pipeline/source-health.ts';
import { ARTICLES_PREFIX, COMPACTION_DUE_PREFIX, RAW_BATCH_PREFIX } from '../../lib/store/keys.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/metric-names.ts';
import { LAMBDA_BUNDLING, LAMBDA_RUNTIME, RUNTIME_CHOICE_REASON } from '../lambda-bundling.ts';

/** Where the bundled config lives inside every function package (/var/task is the Lambda code root). */
const BUNDLED_CONFIG_NAME = 'feeds.json';
const LAMBDA_TASK_ROOT = '/var/task';

/** Lambda's own recommendation for SQS event sources: visibility timeout at least six times the function timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Each receive already includes the fetcher's own retries with backoff; three receives is plenty. */
const MAX_RECEIVE_COUNT = 3;

export interface PipelineProps {
  bucket: Bucket;
  /** Repository root: the NodejsFunction project root and the base of configPath. */
  projectRoot: string;
  configPath: string;
  scheduleExpression: string;
  /** Where undeliverable schedule invocations and failed asynchronous dispatch invocations go. */
  schedulerDeadLetterQueue: IQueue;
  /** Source health rules dispatch applies (deploy settings). */
  staleAfterHours: number;
  driftThresholdPercent: number;
}

/**
 * The tick interval of a schedule expression; a cron expression counts as the default 15 minutes.
 * A dispatch invocation older than one tick is not retried: the next tick queues the same due feeds.
 */
function scheduleTickInterval(expression: string): Duration {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate === null) return Duration.minutes(15);
  const count = Number(rate[1]);
  if (rate[2]!.startsWith('minute')) return Duration.minutes(count);
  return rate[2]!.startsWith('hour') ? Duration.hours(count) : Duration.days(count);
}

/** Scheduler and Lambda both refuse an event age under one minute or over six hours (Scheduler: 24 h). */
function dispatchEventAge(expression: string): Duration {
  const tickSeconds = scheduleTickInterval(expression).toSeconds();
  return Duration.seconds(Math.min(Math.max(60, tickSeconds - 60), 6 * 3600));
}

/**
 * Prefixes process-article reads and writes: the dataset and the markers of days an update moved an article
 * from (lib/store/articles.ts writeArticle), its run-ledger outcomes (states its raw page batch does not
 * record). Raw pages are written in batches and never read by it; the batch manifests are also its run
 * ledger, which dispatch reads.
 */
const PROCESS_ARTICLE_PREFIXES: ReadonlyArray<{ prefix: string; actions: string[] }> = [
  { prefix: ARTICLES_PREFIX, actions: ['s3:GetObject', 's3:PutObject'] },
  { prefix: RAW_ROOT, actions: ['s3:PutObject'] },
  { prefix: 'revisions/', actions: ['s3:PutObject'] },
  { prefix: COMPACTION_DUE_PREFIX, actions: ['s3:PutObject'] },
  { prefix: LEDGER_ROOT, actions: ['s3:PutObject'] },
];

interface FunctionSizing {
  /** MB; Lambda gives CPU in proportion. */
  memorySize: number;
  timeout: Duration;
}

/**
 * Sizing (see bench/lambda-bundles.ts for the measured bundle sizes and cold init):
 * - dispatch reads one small state object per feed and sends SQS batches: little memory, under a minute.
 * - fetch-feed parses feeds and sitemaps (a news sitemap can be a few MB of XML) and may fetch up to
 *   three child sitemaps, each with the fetcher's 30 s cap and retries, the batch's feeds in parallel and
 *   none past the deadline: 512 MB, 2 minutes for a batch of 5 (each invocation writes one run-ledger
 *   object, so larger batches mean fewer PUTs: about $3.60 a month at 500 sources).
 * - process-article fetches pages (5 MB cap) and parses them with cheerio; the work is mostly waiting on
 *   the network and the per-host interval, billed by the GB-second, so more memory (CPU) mostly costs:
 *   256 MB, 2 minutes for a batch of 10. Measured by `npm run bench`: about 72 MB after loading the bundle,
 *   55 MB more at the peak of extracting the largest fixture page (one at a time: extraction is synchronous),
 *   about 5.6 MB per page in flight, so a batch of 10 pages in flight at once (10 hosts) peaks near 185 MB;
 *   at 256 MB extraction takes about 7× its one-vCPU time, ~120 ms a page. A batch of one host fetches its
 *   pages at the host's concurrency (2) and interval: 10 pages 2 s apart take ~10 s, far from the timeout.
 *   Less memory would not save: the same figures leave too little room under 192 MB.
 */
const SIZING = {
  dispatch: { memorySize: 256, timeout: Duration.seconds(60) },
  fetchFeed: { memorySize: 512, timeout: Duration.minutes(2) },
  processArticle: { memorySize: 256, timeout: Duration.minutes(2) },
} satisfies Record<string, FunctionSizing>;

const FETCH_FEED_BATCH_SIZE = 5;
/**
 * The most SQS gives a FIFO event source. A receive returns all of a host's visible messages (up to this)
 * and, when the host has fewer, may fill the batch with other hosts' messages: every article of the batch
 * shares its invocation's one raw page batch (and its run ledger), and the waits of different hosts overlap.
 */
const PROCESS_ARTICLE_BATCH_SIZE = 10;

export interface QueueWithDlq {
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * EventBridge Scheduler → dispatch → feed queue → fetch-feed → article queue → process-article → S3.
 *
 * Per-host politeness across concurrent Lambdas: both queues are FIFO and every message's group is the host
 * it will fetch (MessageGroupId = host). Lambda never has two batches of one message group in flight, so all
 * of a host's pending work is in one invocation at a time, where the polite fetcher's per-host concurrency
 * and minimum interval (from config/feeds.json) hold exactly as in the local runner. Order inside a group is
 * not needed, so the handlers report only the failed message (not the rest of its group). A message that
 * fails pauses its host until its visibility timeout ends, which is the backoff a struggling site needs.
 * FIFO deduplication (5 minutes) also drops an article two feeds list at once.
 */
export class Pipeline extends Construct {
  readonly dispatchFunction: NodejsFunction;
  readonly fetchFeedFunction: NodejsFunction;
  readonly processArticleFunction: NodejsFunction;
  readonly feedQueue: QueueWithDlq;
  readonly articleQueue: QueueWithDlq;
  readonly schedule: Schedule;
  readonly articleLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);

    this.feedQueue = this.fifoQueueWithDlq('FeedQueue', SIZING.fetchFeed.timeout);
    this.articleQueue = this.fifoQueueWithDlq('ArticleQueue', SIZING.processArticle.timeout);

    const configFile = resolve(props.projectRoot, props.configPath);
    const baseEnvironment = {
      [CloudEnv.bucket]: props.bucket.bucketName,
      [CloudEnv.configPath]: `${LAMBDA_TASK_ROOT}/${BUNDLED_CONFIG_NAME}`,
      POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    };

    const dispatch = this.ingestFunction('Dispatch', 'dispatch.ts', SIZING.dispatch, props.projectRoot, configFile, {
      ...baseEnvironment,
      [CloudEnv.feedQueueUrl]: this.feedQueue.queue.queueUrl,
      [CloudEnv.staleAfterHours]: String(props.staleAfterHours),
      [CloudEnv.driftThresholdPercent]: String(props.driftThresholdPercent),
    });
    const fetchFeed = this.ingestFunction('FetchFeed', 'fetch-feed.ts', SIZING.fetchFeed, props.projectRoot, configFile, {
      ...baseEnvironment,
      [CloudEnv.articleQueueUrl]: this.articleQueue.queue.queueUrl,
    });
    const processArticle = this.ingestFunction(
      'ProcessArticle',
      'process-article.ts',
      SIZING.processArticle,
      props.projectRoot,
      configFile,
      baseEnvironment,
    );

    this.dispatchFunction = dispatch.fn;
    this.articleLogGroup = processArticle.logGroup;
    this.fetchFeedFunction = fetchFeed.fn;
    this.processArticleFunction = processArticle.fn;

    // dispatch reads feed state and the run ledger (its outcomes objects and the manifests of the raw page
    // batches, which record the articles stored), keeps source health (folded from the ledger) and writes the
    // ledger's daily summary; fetch-feed reads and writes feed state and writes its polls to the
    // ledger; process-article writes the dataset (layout: lib/store) and its outcomes to the ledger.
    this.allowObjects(dispatch.role, props.bucket, 'state/feeds/*', ['s3:GetObject']);
    this.allowObjects(dispatch.role, props.bucket, SOURCE_HEALTH_KEY, ['s3:GetObject', 's3:PutObject']);
    this.allowObjects(dispatch.role, props.bucket, `${LEDGER_ROOT}*`, ['s3:GetObject']);
    this.allowObjects(dispatch.role, props.bucket, `${RAW_BATCH_PREFIX}*`, ['s3:GetObject']);
    this.allowObjects(dispatch.role, props.bucket, `runs/*/${DAILY_SUMMARY_RUN_ID}.json`, ['s3:GetObject', 's3:PutObject']);
    this.allowObjects(fetchFeed.role, props.bucket, 'state/feeds/*', ['s3:GetObject', 's3:PutObject']);
    this.allowObjects(fetchFeed.role, props.bucket, `${LEDGER_ROOT}*`, ['s3:PutObject']);
    for (const { prefix, actions } of PROCESS_ARTICLE_PREFIXES) this.allowObjects(processArticle.role, props.bucket, `${prefix}*`, actions);
    for (const { role } of [dispatch, fetchFeed, processArticle]) {
      // Without ListBucket a missing key answers 403 instead of 404, and "no state yet" would look like an error.
      role.addToPrincipalPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }),
      );
    }

    this.feedQueue.queue.grantSendMessages(this.dispatchFunction);
    this.articleQueue.queue.grantSendMessages(this.fetchFeedFunction);

    this.fetchFeedFunction.addEventSource(
      new SqsEventSource(this.feedQueue.queue, { batchSize: FETCH_FEED_BATCH_SIZE, reportBatchItemFailures: true }),
    );
    this.processArticleFunction.addEventSource(
      new SqsEventSource(this.articleQueue.queue, { batchSize: PROCESS_ARTICLE_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    const eventAge = dispatchEventAge(props.scheduleExpression);
    // The Scheduler invokes asynchronously, so Lambda's own async retries (default: 2 over 6 hours) apply
    // too: bounded by one tick as well, and what still fails lands in the schedules' dead-letter queue.
    this.dispatchFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: eventAge,
      onFailure: new SqsDestination(props.schedulerDeadLetterQueue),
    });
    const schedulerRole = new Role(this, 'DispatchScheduleRole', { assumedBy: schedulerPrincipal() });
    this.schedule = new Schedule(this, 'DispatchSchedule', {
      description: 'Starts an ingest run: dispatch queues every feed that is due.',
      schedule: ScheduleExpression.expression(props.scheduleExpression),
      target: new LambdaInvoke(this.dispatchFunction, {
        input: ScheduleTargetInput.fromObject({
          scheduleArn: ContextAttribute.scheduleArn,
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
        // A missed run is made up by the next one; retrying past it would only overlap them.
        retryAttempts: 2,
        maxEventAge: eventAge,
        deadLetterQueue: props.schedulerDeadLetterQueue,
        role: schedulerRole,
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.dispatchFunction.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: 'The Scheduler target grants invoke on the dispatch function and its versions (ARN:*), and on nothing else.',
    });
  }

  private fifoQueueWithDlq(id: string, consumerTimeout: Duration): QueueWithDlq {
    const deadLetterQueue = new Queue(this, `${id}Dlq`, {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const queue = new Queue(this, id, {
      fifo: true,
      // Handlers set MessageDeduplicationId themselves (feed per run, article per URL).
      contentBasedDeduplication: false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return { queue, deadLetterQueue };
  }

  private ingestFunction(
    id: string,
    entryFile: string,
    sizing: FunctionSizing,
    projectRoot: string,
    configFile: string,
    environment: Record<string, string>,
  ): { fn: NodejsFunction; role: Role; logGroup: LogGroup } {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role with write access to this log group only, instead of the AWS managed basic execution policy.
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, id, {
      entry: resolve(projectRoot, 'functions', entryFile),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: resolve(projectRoot, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: sizing.memorySize,
      timeout: sizing.timeout,
      role,
      logGroup,
      environment,
      bundling: {
        ...LAMBDA_BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [`cp "${configFile}" "${outputDir}/${BUNDLED_CONFIG_NAME}"`],
        },
      },
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: RUNTIME_CHOICE_REASON,
    });
    return { fn, role, logGroup };
  }

  private allowObjects(role: Role, bucket: Bucket, keyPattern: string, actions: string[]): void {
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [bucket.arnForObjects(keyPattern)] }));
    if (!keyPattern.includes('*')) return;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${keyPattern}]`,
      reason: `Object keys under ${keyPattern} are named per feed or article at run time; this key prefix is the narrowest scope.`,
    });
  }
}

/** The Scheduler may assume a role only on behalf of a schedule in this account (confused-deputy guard). */
export function schedulerPrincipal(): IPrincipal {
  return new ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } });
}
