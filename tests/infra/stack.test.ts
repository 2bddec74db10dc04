import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type IngestConfig } from '../../lib/config.ts';
import { FEATURE_FLAGS, readDeploySettings } from '../../infra/settings.ts';
import { NewsIngestStack } from '../../infra/stack.ts';

/** The real stack, bundled with the local esbuild (no Docker), as `cdk synth` builds it. */

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CONTEXT = {
  schedule: 'rate(30 minutes)',
  alarmEmail: 'ops@example.org',
  rawRetentionDays: '400',
  noNewArticlesHours: 6,
};

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let outdir: string;
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
  outdir = mkdtempSync(join(tmpdir(), 'news-ingest-cdk-'));
  app = new App({ outdir, context: { ...FEATURE_FLAGS, ...CONTEXT } });
  const settings = readDeploySettings(app.node);
  config = await loadConfig(join(projectRoot, settings.configPath));
  stack = new NewsIngestStack(app, 'NewsIngest', { settings, config, projectRoot });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

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
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((table) => table.Properties.TableInput.Parameters);
    expect(tables.length).toBeGreaterThan(0);
    for (const parameters of tables) expect(parameters['projection.date.range']).toBe('1990-01-01,NOW+1DAYS');
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

  it('reconciles feed states with the bucket daily: lists articles/v1/, reads and writes state/feeds/ only', () => {
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
      ['s3:ListBucket', { StringLike: { 's3:prefix': ['articles/v1/*'] } }],
    ]);
  });

  it('alarms per source when no new article was stored for the configured hours (missing data counts as breaching)', () => {
    for (const source of config.sources) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'NewsIngest',
        MetricName: 'ArticlesStored',
        Dimensions: Match.arrayWith([{ Name: 'source', Value: source.id }]),
        Period: 6 * 3600,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });

  it('alarms per source on extraction drift: metric math over MissingField for publishedAt and authors', () => {
    for (const source of config.sources) {
      const drift = alarms().find(
        (alarm) => alarm.Metrics !== undefined && JSON.stringify(alarm.Metrics).includes(`"Value":"${source.id}"`),
      );
      expect(drift, source.id).toBeDefined();
      const metrics = drift!.Metrics as any[];
      const expression = metrics.find((metric) => metric.Expression !== undefined);
      expect(expression.Expression).toContain('MAX([');
      const fields = metrics
        .filter((metric) => metric.MetricStat?.Metric.MetricName === 'MissingField')
        .map((metric) => metric.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'field').Value);
      expect(fields.sort()).toEqual(['authors', 'publishedAt']);
    }
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
    const badApp = new App({ outdir: mkdtempSync(join(tmpdir(), 'news-ingest-cdk-bad-')) });
    new Bucket(new Stack(badApp, 'Bad'), 'Open');
    Validations.of(badApp).addPlugins(new AwsSolutionsChecks(badApp));
    expect(() => badApp.synth()).toThrow(/AwsSolutions-S1\b[\s\S]*AwsSolutions-S10/);
    rmSync(badApp.outdir, { recursive: true, force: true });
  });
});
