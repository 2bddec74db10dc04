import { resolve } from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import articleJsonSchema from '../schema/article.v1.json' with { type: 'json' };
import { glueColumnsFromJsonSchema, type GlueColumn } from '../lib/dataset/glue-columns.ts';
import { DAILY_ROOT } from '../lib/dataset/partitions.ts';
import { ARTICLES_PREFIX } from '../lib/store/keys.ts';
import { savedQueries } from '../lib/dataset/athena-queries.ts';
import { LAMBDA_BUNDLING, LAMBDA_RUNTIME, RUNTIME_CHOICE_REASON } from './lambda-bundling.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

export interface DatasetCatalogProps {
  /** The dataset bucket (articles/v2/ and articles-daily/v1/). */
  bucket: IBucket;
  /** Source ids from config/feeds.json: the values of the `source_id` partition (projection enum). */
  sources: string[];
  /** First day the `date` partition projects (yyyy-MM-dd); earlier partitions are invisible to queries. */
  firstDate?: string;
  /** Glue database name (lowercase letters, digits, underscores). */
  databaseName?: string;
  /** Athena workgroup name, unique in the account and region. */
  workGroupName?: string;
  /** Server access logs of the query results bucket go here when given. */
  accessLogsBucket?: IBucket;
  /** Queries scanning more than this are cancelled (a guard against an unfiltered scan of years of text). */
  bytesScannedCutoffPerQuery?: number;
  /** Query results are deleted after this many days. */
  resultRetentionDays?: number;
}

/** Partition keys. `source` is already an article column (a struct), so the partition is `source_id`. */
export const PARTITION_KEYS: GlueColumn[] = [
  { name: 'source_id', type: 'string', comment: 'Source id, from the key segment source=<id>' },
  { name: 'date', type: 'string', comment: "yyyy-MM-dd: publishedAt's local date (the fetch date in Vietnam when there is none)" },
];

export const ARTICLE_COLUMNS: GlueColumn[] = glueColumnsFromJsonSchema(articleJsonSchema);

const TEN_GIB = 10 * 1024 ** 3;

/**
 * The dataset in Athena: a Glue database with two tables over the same Article JSON, `articles_daily`
 * (articles-daily/v1/, one gzipped NDJSON part per source and day, as of the last compaction: few objects,
 * partitioned, so cheap and fast) and `articles` (articles/v2/, one object per article keyed by id alone,
 * current to the minute; not partitioned, so every query on it reads the whole archive: for the last
 * hours, or an exact count). Partition projection on source_id (enum) and date (date range), so new
 * partitions need no crawler or MSCK REPAIR. A workgroup with its own encrypted results location,
 * enforced, and saved queries for the common questions.
 */
export class DatasetCatalog extends Construct {
  readonly database: CfnDatabase;
  readonly articlesTable: CfnTable;
  readonly dailyTable: CfnTable;
  readonly workGroup: CfnWorkGroup;
  readonly resultsBucket: Bucket;
  readonly namedQueries: CfnNamedQuery[];
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: DatasetCatalogProps) {
    super(scope, id);
    if (props.sources.length === 0) throw new Error('DatasetCatalog needs at least one source id for the source_id projection');
    for (const source of props.sources) {
      if (!/^[a-z0-9][a-z0-9.-]*$/.test(source)) throw new Error(`DatasetCatalog: "${source}" is not a source id`);
    }
    const firstDate = props.firstDate ?? DEFAULT_SETTINGS.datasetFirstDate;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDate)) throw new Error(`DatasetCatalog: firstDate must be yyyy-MM-dd, got "${firstDate}"`);
    this.databaseName = props.databaseName ?? 'news_ingest';
    if (!/^[a-z0-9_]+$/.test(this.databaseName)) throw new Error(`DatasetCatalog: "${this.databaseName}" is not a Glue database name`);
    const account = Stack.of(this).account;

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: this.databaseName, description: 'news-ingest: one row per news article (Article schema v1)' },
    });

    const table = (tableId: string, name: string, prefix: string, description: string, partitioned: boolean): CfnTable => {
      const location = `s3://${props.bucket.bucketName}/${prefix}`;
      const projection = {
        'projection.enabled': 'true',
        'projection.source_id.type': 'enum',
        'projection.source_id.values': props.sources.join(','),
        'projection.date.type': 'date',
        'projection.date.format': 'yyyy-MM-dd',
        // +1 day: a Vietnamese day starts 7 hours before the UTC one that NOW stands for.
        'projection.date.range': `${firstDate},NOW+1DAYS`,
        'projection.date.interval': '1',
        'projection.date.interval.unit': 'DAYS',
        'storage.location.template': `${location}source=\${source_id}/date=\${date}/`,
      };
      const created = new CfnTable(this, tableId, {
        catalogId: account,
        databaseName: this.databaseName,
        tableInput: {
          name,
          description,
          tableType: 'EXTERNAL_TABLE',
          ...(partitioned ? { partitionKeys: PARTITION_KEYS } : {}),
          parameters: { classification: 'json', ...(partitioned ? projection : {}) },
          storageDescriptor: {
            location,
            columns: ARTICLE_COLUMNS,
            inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
              // A malformed line fails the query instead of silently becoming an empty row.
              parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'FALSE' },
            },
          },
        },
      });
      created.addResourceDependency(this.database);
      return created;
    };
    this.articlesTable = table(
      'ArticlesTable',
      'articles',
      ARTICLES_PREFIX,
      'One JSON object per article (articles/v2/), current; not partitioned: every query reads all of it',
      false,
    );
    this.dailyTable = table(
      'DailyTable',
      'articles_daily',
      DAILY_ROOT,
      'Daily compaction of articles (articles-daily/v1/): one gzipped NDJSON part per source and day, as of the last compaction',
      true,
    );

    this.resultsBucket = new Bucket(this, 'QueryResults', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [{ expiration: Duration.days(props.resultRetentionDays ?? 30) }],
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.accessLogsBucket ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 'athena-results/' } : {}),
    });
    if (!props.accessLogsBucket) {
      Validations.of(this.resultsBucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Holds only Athena query results, written by the workgroup and expired after 30 days; Athena records who ran each query.',
      });
    }

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName ?? 'news-ingest',
      description: 'Queries over the news-ingest dataset',
      // Lets the stack delete the workgroup although it holds saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? TEN_GIB,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: account,
        },
      },
    });

    this.namedQueries = savedQueries(this.databaseName).map((query, index) => {
      const named = new CfnNamedQuery(this, `Query${index}`, {
        database: this.databaseName,
        workGroup: this.workGroup.ref,
        name: query.name,
        description: query.description,
        queryString: query.sql,
      });
      named.addResourceDependency(this.database);
      return named;
    });
  }
}

export interface DatasetFunctionProps {
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
  /** Handler file under functions/. */
  entryFile: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  reservedConcurrentExecutions?: number;
}

/**
 * A dataset Lambda (compaction, re-extraction) built like the pipeline's: nodejs22.x on ARM64, an ESM
 * bundle made by local esbuild, and an own role that may write only its own log group.
 */
export function datasetFunction(scope: Construct, id: string, props: DatasetFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // An own role with write access to this log group only, instead of the AWS managed basic execution policy.
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    entry: resolve(props.projectRoot, 'functions', props.entryFile),
    handler: 'handler',
    projectRoot: props.projectRoot,
    depsLockFilePath: resolve(props.projectRoot, 'package-lock.json'),
    runtime: LAMBDA_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    environment: props.environment,
    ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
    bundling: LAMBDA_BUNDLING,
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: RUNTIME_CHOICE_REASON,
  });
  return fn;
}

/**
 * Lets `fn` use objects under `keyPrefix` (and list them). Object keys are named per article at run time,
 * so the key prefix is the narrowest scope; the wildcard finding is acknowledged with that reason.
 */
export function allowDatasetObjects(fn: NodejsFunction, bucket: IBucket, keyPrefix: string, actions: string[]): void {
  fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [bucket.arnForObjects(`${keyPrefix}*`)] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${keyPrefix}*`] } },
    }),
  );
  Validations.of(fn.role!).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/${keyPrefix}*]`,
    reason: `Object keys under ${keyPrefix} are named per source, day and article at run time; the key prefix is the narrowest scope.`,
  });
}
