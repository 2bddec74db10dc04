import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS } from '../../bench/bench-cost.ts';
import { loadConfig, type IngestConfig } from '../../lib/config.ts';
import { FOLD_OVERLAP_MS } from '../../lib/pipeline/source-health.ts';
import { FEATURE_FLAGS, readDeploySettings } from '../../infra/settings.ts';
import { NewsIngestStack } from '../../infra/stack.ts';
import { cdkAppsForTests } from '../helpers/cdk-apps.ts';

/** The real stack, bundled with the local esbuild (no Docker), as `cdk synth` builds it. */

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CONTEXT = {
  schedule: 'rate(30 minutes)',
  alarmEmail: 'ops@example.org',
  rawRetentionDays: '400',
  noNewArticlesHours: 6,
};

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const testApp = cdkAppsForTests();
let app: App;
let stack: NewsIngestStack;
let template: Template;
let resources: Resources;
let config: IngestConfig;

function logicalIdOf(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

beforeAll(async () => {
  app = testApp({ context: { ...FEATURE_FLAGS, ...CONTEXT } });
  const settings = readDeploySettings(app.node);
  config = await loadConfig(join(projectRoot, settings.configPath));
  stack = new NewsIngestStack(app, 'NewsIngest', { settings, config, projectRoot });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
}, 120_000);

describe('storage', () => {
  it('the data bucket is private, SSE-S3 encrypted, versioned and logs access to the log bucket', () => {
    const logsId = logicalIdOf('AWS::S3::Bucket', 'StorageAccessLogs');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
    });
  });

  it('both buckets deny requests without TLS', () => {
    for (const bucketId of [logicalIdOf('AWS::S3::Bucket', 'StorageData'), logicalIdOf('AWS::S3::Bucket', 'StorageAccessLogs')]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('raw/ moves to Infrequent Access after 30 days and is really gone a day after the configured retention; old revisions expire', () => {
    const rules = resources[logicalIdOf('AWS::S3::Bucket', 'StorageData')]!.Properties.LifecycleConfiguration.Rules as any[];
    const raw = rules.find((rule) => rule.Prefix === 'raw/');
    expect(raw.Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
    expect(raw.ExpirationInDays).toBe(400);
    // The bucket is versioned: expiry leaves the page as a noncurrent version, which goes a day later.
    expect(raw.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 1 });
    const revisions = rules.find((rule) => rule.Prefix === undefined && rule.NoncurrentVersionExpiration !== undefined);
    expect(revisions.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 365 });
  });

  it('projects Athena date partitions from the configured first day, by default one before any archived article', () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((table) => table.Properties.TableInput);
    // The daily parts; the table of articles keyed by id has no partitions.
    const partitioned = tables.filter((table) => table.PartitionKeys !== undefined).map((table) => table.Name);
    expect(partitioned).toEqual(['articles_daily']);
    for (const table of tables.filter((table) => table.PartitionKeys !== undefined)) {
      expect(table.Parameters['projection.date.range']).toBe('1990-01-01,NOW+1DAYS');
    }
  });

  it('removes expired delete markers, expires re-extraction results, and revisions/ copies like revisions', () => {
    const rules = resources[logicalIdOf('AWS::S3::Bucket', 'StorageData')]!.Properties.LifecycleConfiguration.Rules as any[];
    expect(rules.filter((rule) => rule.ExpiredObjectDeleteMarker === true)).toEqual([
      expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
    ]);
    expect(rules.find((rule) => rule.ExpiredObjectDeleteMarker === true).Prefix).toBeUndefined();
    expect(rules.find((rule) => rule.Prefix === 'reextract-results/')).toMatchObject({
      ExpirationInDays: 30,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    });
    expect(rules.find((rule) => rule.Prefix === 'revisions/')).toMatchObject({
      ExpirationInDays: 365,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    });
  });
});

describe('pipeline', () => {
  it('has two FIFO queues, each redriving to a FIFO dead-letter queue after 3 receives, with SSE and TLS enforced', () => {
    for (const name of ['FeedQueue', 'ArticleQueue']) {
      const dlqId = logicalIdOf('AWS::SQS::Queue', `Pipeline${name}Dlq`);
      const queueId = Object.keys(template.findResources('AWS::SQS::Queue')).find(
        (id) => id.startsWith(`Pipeline${name}`) && !id.startsWith(`Pipeline${name}Dlq`),
      )!;
      expect(resources[dlqId]!.Properties).toMatchObject({ FifoQueue: true, SqsManagedSseEnabled: true });
      expect(resources[queueId]!.Properties).toMatchObject({
        FifoQueue: true,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
      });
      for (const id of [queueId, dlqId]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
          },
        });
      }
    }
  });

  it('each SQS consumer reports partial batch failures and its queue hides a message for at least 6x the function timeout', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const fn = resources[mapping.Properties.FunctionName.Ref]!;
      const queue = resources[mapping.Properties.EventSourceArn['Fn::GetAtt'][0]]!;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    }
  });

  it('runs every function on nodejs22.x / arm64 with its own log group kept for 30 days', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // dispatch, fetch-feed, process-article, the dataset's compact and reextract, and the feed-state reconciliation.
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
      const logGroup = resources[fn.Properties.LoggingConfig.LogGroup.Ref]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
  });

  it('uses no AWS managed policy: each function role writes only to its own log group', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('the schedule from context invokes dispatch with the scheduled time, and dispatch knows the feed queue', () => {
    const dispatchId = logicalIdOf('AWS::Lambda::Function', 'PipelineDispatch');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [dispatchId, 'Arn'] },
        Input: Match.serializedJson(Match.objectLike({ scheduledTime: '<aws.scheduler.scheduled-time>' })),
      },
    });
    expect(resources[dispatchId]!.Properties.Environment.Variables).toMatchObject({
      NEWS_INGEST_FEED_QUEUE_URL: { Ref: logicalIdOf('AWS::SQS::Queue', 'PipelineFeedQueueC') },
      NEWS_INGEST_CONFIG: '/var/task/feeds.json',
    });
    expect(resources[dispatchId]!.Properties.Environment.Variables.NEWS_INGEST_ALLOW_LOOPBACK).toBeUndefined();
  });

  it('bundles each pipeline handler as a minified ESM file with its source map and the ingest config', () => {
    const assembly = app.synth();
    const configText = readFileSync(join(projectRoot, 'config/feeds.json'), 'utf8');
    for (const fn of [stack.pipeline.dispatchFunction, stack.pipeline.fetchFeedFunction, stack.pipeline.processArticleFunction]) {
      const s3Key = resources[stack.getLogicalId(fn.node.defaultChild as CfnFunction)]!.Properties.Code.S3Key as string;
      const path = join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(path).sort()).toEqual(['feeds.json', 'index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(path, 'feeds.json'), 'utf8')).toBe(configText);
      const code = readFileSync(join(path, 'index.mjs'), 'utf8');
      expect(code.startsWith('import { createRequire')).toBe(true);
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      // Minified: far fewer lines than bytes / 80.
      expect(code.split('\n').length).toBeLessThan(statSync(join(path, 'index.mjs')).size / 1000);
    }
  });
});

describe('monitoring', () => {
  const alarms = (): Array<Record<string, any>> => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  it('alarms to one SNS topic that enforces TLS, with the e-mail from context subscribed', () => {
    const topicId = logicalIdOf('AWS::SNS::Topic', 'MonitoringAlarmTopic');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org', TopicArn: { Ref: topicId } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms when a dead-letter queue holds any message', () => {
    for (const name of ['FeedQueueDlq', 'ArticleQueueDlq']) {
      const dlqId = logicalIdOf('AWS::SQS::Queue', `Pipeline${name}`);
      const dlqAlarm = alarms().find((alarm) => {
        const text = JSON.stringify(alarm);
        return text.includes('"ApproximateNumberOfMessagesVisible"') && text.includes(`["${dlqId}","QueueName"]`);
      });
      expect(dlqAlarm, name).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('alarms on errors and throttles of every function the pipeline, compaction and reconciliation run', () => {
    const monitored = [
      stack.pipeline.dispatchFunction,
      stack.pipeline.fetchFeedFunction,
      stack.pipeline.processArticleFunction,
      stack.compaction.function,
      stack.reconciliation.function,
    ].map((fn) => stack.getLogicalId(fn.node.defaultChild as CfnFunction));
    for (const fnId of monitored) {
      const own = alarms().filter((alarm) => JSON.stringify(alarm).includes(`"${fnId}"`));
      const names = JSON.stringify(own);
      expect(names, fnId).toContain('Errors');
      expect(names, fnId).toContain('Throttles');
    }
  });

  it('reconciles feed states with the bucket daily: lists articles/v2/ (and articles/v1/, which it refuses), reads and writes state/feeds/ only', () => {
    const fnId = stack.getLogicalId(stack.reconciliation.function.node.defaultChild as CfnFunction);
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((resource) => resource.Properties);
    expect(schedules.filter((schedule) => JSON.stringify(schedule.Target).includes(fnId))).toEqual([
      expect.objectContaining({ ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh' }),
    ]);
    const roleId = stack.getLogicalId(stack.reconciliation.function.role!.node.defaultChild as CfnElement);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const s3Statements = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(s3Statements.map((statement) => [statement.Action, statement.Condition ?? JSON.stringify(statement.Resource).match(/\/[a-z/]*\*/)?.[0]])).toEqual([
      [['s3:GetObject', 's3:PutObject'], '/state/feeds/*'],
      ['s3:ListBucket', { StringLike: { 's3:prefix': ['state/feeds/*'] } }],
      ['s3:ListBucket', { StringLike: { 's3:prefix': ['articles/v2/*', 'articles/v1/*'] } }],
    ]);
  });

  it('judges source freshness and drift in dispatch with the deploy settings; no custom metric carries a source dimension', () => {
    const dispatchId = logicalIdOf('AWS::Lambda::Function', 'PipelineDispatch');
    expect(resources[dispatchId]!.Properties.Environment.Variables).toMatchObject({
      NEWS_INGEST_STALE_AFTER_HOURS: '6',
      NEWS_INGEST_DRIFT_THRESHOLD_PERCENT: '50',
    });
    const custom = alarms().filter((alarm) => alarm.Namespace === 'NewsIngest');
    expect(custom.map((alarm) => alarm.MetricName).sort()).toEqual(['ArticlesFailed', 'FeedsFailed', 'RunLedgerUnaccounted', 'SourcesDrifting', 'SourcesStale']);
    for (const alarm of custom) {
      expect(alarm.Dimensions).toEqual([{ Name: 'service', Value: 'news-ingest' }]);
      // A fresh deploy or a quiet hour is not a failure: only a datapoint over the threshold alarms.
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    // The cost of monitoring does not grow with the number of sources; the cost model counts these alarms.
    expect(alarms()).toHaveLength(DEFAULT_ASSUMPTIONS.alarms);
    // Each fetch-feed invocation writes one run-ledger object: the cost model counts them per batch.
    const feedMapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find(
      (mapping) => mapping.Properties.FunctionName.Ref === logicalIdOf('AWS::Lambda::Function', 'PipelineFetchFeed'),
    )!;
    expect(feedMapping.Properties.BatchSize).toBe(DEFAULT_ASSUMPTIONS.feedsPerInvocation);
    // process-article takes the most a FIFO event source gives (10), so a receive can hold a host's burst and
    // other hosts' articles; the cost model assumes no more articles per invocation than that.
    const articleMapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find(
      (mapping) => mapping.Properties.FunctionName.Ref === logicalIdOf('AWS::Lambda::Function', 'PipelineProcessArticle'),
    )!;
    expect(articleMapping.Properties.BatchSize).toBe(10);
    expect(DEFAULT_ASSUMPTIONS.articlesPerInvocation).toBeLessThanOrEqual(articleMapping.Properties.BatchSize);
    // dispatch folds process-article's ledger objects (raw page batches, outcomes objects); one may become
    // visible up to the function's timeout after the time in its name, and the fold's overlap must cover
    // that or the object is never counted.
    const processArticleTimeoutMs = resources[logicalIdOf('AWS::Lambda::Function', 'PipelineProcessArticle')]!.Properties.Timeout * 1000;
    expect(FOLD_OVERLAP_MS).toBeGreaterThan(processArticleTimeoutMs + 60_000);
  });

  it('the dashboard has no widget that is always empty (no IteratorAge: nothing here reads a stream)', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).not.toContain('IteratorAge');
    expect(body).toContain('ArticlesStored');
  });

  it('every schedule retries within its tick and dead-letter to one alarmed queue; Lambda async retries match', () => {
    const dlqId = logicalIdOf('AWS::SQS::Queue', 'ScheduleDeadLetters');
    const dlqArn = { 'Fn::GetAtt': [dlqId, 'Arn'] };
    // rate(30 minutes) in this test's context: a dispatch event older than one tick less a minute is dropped.
    for (const [prefix, maxAge] of [['PipelineDispatch', 29 * 60], ['CompactionCompact', 6 * 3600], ['ReconciliationReconcile', 6 * 3600]] as const) {
      const fnId = logicalIdOf('AWS::Lambda::Function', prefix);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: maxAge },
          DeadLetterConfig: { Arn: dlqArn },
        },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: maxAge,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      });
    }
    const dlqAlarm = alarms().find((alarm) => JSON.stringify(alarm.Dimensions ?? []).includes(`["${dlqId}","QueueName"]`));
    expect(dlqAlarm).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, EvaluationPeriods: 1 });
  });

  it('the Scheduler may assume its roles only for schedules of this account (aws:SourceAccount)', () => {
    const schedulerRoles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(schedulerRoles).toHaveLength(3);
    for (const role of schedulerRoles) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
      ]);
    }
  });

  it('dispatch only reads raw page batches (their manifests are the run ledger); it never writes under raw/', () => {
    const rawActions = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('PipelineDispatchRole'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[])
      .filter((statement) => JSON.stringify(statement.Resource).includes('/raw/'))
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
    expect(rawActions).toEqual(['s3:GetObject']);
  });

  it('no function role may touch every object of the bucket: each gets the key prefixes its code uses', () => {
    const objectResources = (policyPrefix: string): string[] =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.startsWith(policyPrefix))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[])
        .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
        .map((resource) => resource['Fn::Join']?.[1]?.[1])
        .filter((suffix): suffix is string => typeof suffix === 'string')
        .sort();
    expect(objectResources('PipelineProcessArticleRole')).toEqual([
      '/articles/v2/*',
      '/raw/*',
      '/revisions/*',
      '/runs/ledger/*',
      '/state/compaction-due/*',
    ]);
    // dispatch reads the raw page batches' manifests (the run ledger's record of stored articles), never writes them.
    expect(objectResources('PipelineDispatchRole')).toEqual([
      '/raw/batches/*',
      '/runs/*/daily-summary.json',
      '/runs/ledger/*',
      '/state/feeds/*',
      '/state/source-health.json',
    ]);
    expect(objectResources('PipelineFetchFeedRole')).toEqual(['/runs/ledger/*', '/state/feeds/*']);
    expect(objectResources('CompactionCompactRole')).toEqual([
      '/articles-daily/v1/*',
      '/articles/v2/*',
      '/state/compaction-due/*',
      '/state/compaction/watermark.json*',
    ]);
    expect(objectResources('ReextractReextractRole')).toEqual(['/articles/v2/*', '/raw/*', '/revisions/*', '/state/compaction-due/*']);
  });

  it('process-article only writes raw page batches: it never reads or deletes under raw/', () => {
    const rawActions = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('PipelineProcessArticleRole'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[])
      .filter((statement) => JSON.stringify(statement.Resource).includes('/raw/*'))
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
      .sort();
    expect(rawActions).toEqual(['s3:PutObject']);
  });

  it('sizes process-article and fetch-feed as the cost model (bench/bench-cost.ts) prices them', () => {
    const memoryOf = (functionPath: string): unknown =>
      template.findResources('AWS::Lambda::Function')[logicalIdOf('AWS::Lambda::Function', functionPath)]!.Properties.MemorySize;
    expect(memoryOf('PipelineProcessArticle')).toBe(DEFAULT_ASSUMPTIONS.lambdaMemoryMb);
    expect(memoryOf('PipelineFetchFeed')).toBe(DEFAULT_ASSUMPTIONS.fetchFeedMemoryMb);
  });

  it('every function reads its bucket from the same variable, NEWS_INGEST_BUCKET', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables.NEWS_INGEST_BUCKET).toEqual({ Ref: logicalIdOf('AWS::S3::Bucket', 'StorageData') });
      expect(variables.BUCKET_NAME).toBeUndefined();
    }
  });

  it('re-extraction retries Lambda throttles with backoff and cannot take more than its reserved concurrency', () => {
    const reextractId = stack.getLogicalId(stack.reextract.function.node.defaultChild as CfnFunction);
    expect(resources[reextractId]!.Properties.ReservedConcurrentExecutions).toBe(5);
    const machine = resources[stack.getLogicalId(stack.reextract.stateMachine.node.defaultChild as CfnStateMachine)]!;
    // The definition with each CloudFormation token (ARNs, names) replaced by a placeholder inside its string.
    const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    const parsed = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'token')).join('')) as { States: Record<string, any> };
    const map = Object.values(parsed.States).find((state) => state.Type === 'Map')!;
    expect(map.MaxConcurrency).toBe(5);
    const task = Object.values(map.ItemProcessor.States as Record<string, any>).find((state) => state.Type === 'Task')!;
    expect(task.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, JitterStrategy: 'FULL' }),
    );
  });

  it('alarms when a re-extraction backfill execution fails or times out', () => {
    const machineId = stack.getLogicalId(stack.reextract.stateMachine.node.defaultChild as CfnStateMachine);
    const own = alarms().filter((alarm) => JSON.stringify(alarm).includes(`"${machineId}"`));
    const metricNames = own.map((alarm) => JSON.stringify(alarm).match(/"MetricName":"(\w+)"/)?.[1]);
    expect(metricNames.sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  it('has a dashboard and outputs its URL, the bucket and the queue URLs', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['BucketName', 'DashboardUrl', 'FeedQueueUrl', 'ArticleQueueUrl', 'FeedDeadLetterQueueUrl', 'ArticleDeadLetterQueueUrl']),
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('the app synthesizes with the checks registered, and CDK itself reports no warning or error', () => {
    expect(() => app.synth({ force: true })).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('is live: an open, unlogged bucket in another app fails the synth', () => {
    const badApp = testApp();
    new Bucket(new Stack(badApp, 'Bad'), 'Open');
    Validations.of(badApp).addPlugins(new AwsSolutionsChecks(badApp));
    expect(() => badApp.synth()).toThrow(/AwsSolutions-S1\b[\s\S]*AwsSolutions-S10/);
  });
});
