import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  LogLevel,
  ResultWriterV2,
  S3ObjectsItemReader,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2 } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { BUCKET_ENV } from '../lib/dataset/open-store.ts';
import { RAW_ROOT } from '../lib/dataset/partitions.ts';
import { ARTICLES_PREFIX, COMPACTION_DUE_PREFIX } from '../lib/store/keys.ts';
import { allowDatasetObjects, datasetFunction } from './dataset.ts';

export const REEXTRACT_RESULTS_PREFIX = 'reextract-results/';
const REVISIONS_PREFIX = 'revisions/';

export interface ReextractBackfillProps {
  bucket: IBucket;
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
  /** Pages re-extracted at once: the map's MaxConcurrency. */
  maxConcurrency: number;
  /**
   * Concurrency reserved for (and capping) the re-extraction function; 0: none. It keeps a backfill from
   * taking the account's concurrency from ingestion even if the map were started twice.
   */
  reservedConcurrency: number;
  /** The run fails when more than this share (percent) of pages fail. */
  toleratedFailurePercentage?: number;
}

/**
 * Re-extraction of every stored page, for when an adapter improves: a Step Functions Distributed Map whose
 * S3 item reader lists raw/ and hands each object (a batch of pages) to
 * the reextract Lambda (functions/reextract.ts), which re-runs extraction on its pages and writes through
 * writeArticle (changed articles come out `updated`). Millions of pages fan out across up to `maxConcurrency` Lambdas in Express child workflows; per-page results
 * (including each failure and its reason) are written under reextract-results/ in the bucket.
 * Start an execution with any input (`{}`) to run a backfill.
 */
export class ReextractBackfill extends Construct {
  readonly function: NodejsFunction;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ReextractBackfillProps) {
    super(scope, id);
    // Without this flag the Distributed Map renders the deprecated ResultWriter and ignores resultWriterV2;
    // set on this construct only, so it does not depend on the app's cdk.json.
    this.node.setContext(STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
    this.function = datasetFunction(this, 'Reextract', {
      projectRoot: props.projectRoot,
      entryFile: 'reextract.ts',
      // Parsing a full page with cheerio is CPU-bound: more memory buys more CPU. A batch holds a Lambda
      // invocation's pages (a few), or up to 100 from a local run against the bucket: minutes, not seconds.
      memorySize: 1024,
      timeout: Duration.minutes(4),
      environment: { [BUCKET_ENV]: props.bucket.bucketName },
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
    });
    // Re-extraction reads the stored page and never writes it again.
    allowDatasetObjects(this.function, props.bucket, RAW_ROOT, ['s3:GetObject']);
    allowDatasetObjects(this.function, props.bucket, ARTICLES_PREFIX, ['s3:GetObject', 's3:PutObject']);
    allowDatasetObjects(this.function, props.bucket, REVISIONS_PREFIX, ['s3:PutObject']);
    // An update that moves an article to another day marks the day it left for the compaction.
    allowDatasetObjects(this.function, props.bucket, COMPACTION_DUE_PREFIX, ['s3:PutObject']);

    const reextractPage = new LambdaInvoke(this, 'ReextractPage', {
      lambdaFunction: this.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    // Lambda answers TooManyRequests when the reserved (or account) concurrency is in use: wait and retry,
    // 2 s doubling to about a minute with full jitter, instead of failing the page.
    reextractPage.addRetry({
      errors: ['Lambda.TooManyRequestsException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 6,
      jitterStrategy: JitterType.FULL,
    });
    const eachRawPage = new DistributedMap(this, 'EachRawPage', {
      itemReader: new S3ObjectsItemReader({ bucket: props.bucket, prefix: RAW_ROOT }),
      mapExecutionType: StateMachineType.EXPRESS,
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage ?? 5,
      resultWriterV2: new ResultWriterV2({ bucket: props.bucket, prefix: REEXTRACT_RESULTS_PREFIX }),
      label: 'ReextractRawPages',
    });
    eachRawPage.itemProcessor(reextractPage);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(eachRawPage),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'StateMachineLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.acknowledgeStateMachineGrants(props.bucket);
  }

  /** The grants CDK makes for the Distributed Map, the Lambda task, X-Ray and log delivery. */
  private acknowledgeStateMachineGrants(bucket: IBucket): void {
    const stack = Stack.of(this);
    const logicalId = (element: Construct) => stack.getLogicalId(element.node.defaultChild as CfnElement);
    const stateMachineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(this.stateMachine)}"}]}]}`;
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}`;
    Validations.of(this.stateMachine).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(this.function)}.Arn>:*]`,
        reason: 'The Lambda task grant covers the function and its versions (<arn>:*); it can invoke this one function only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${logicalId(bucket)}>/*]`,
        reason: `CDK's result writer grant covers the bucket's objects; the definition fixes where results go (${REEXTRACT_RESULTS_PREFIX}).`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray trace submission and CloudWatch Logs delivery (vended logs) do not support resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}:*]`,
        reason: "The Distributed Map starts and watches its own child executions, whose names are only known at run time.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}/ReextractRawPages:*]`,
        reason: "The Distributed Map run (label ReextractRawPages) gets a name at run time; the grant is scoped to this state machine's map runs.",
      },
    );
  }
}
