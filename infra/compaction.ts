import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKET_ENV } from '../lib/dataset/open-store.ts';
import { ARTICLES_ROOT, DAILY_ROOT } from '../lib/dataset/partitions.ts';
import { schedulerPrincipal } from './constructs/pipeline.ts';
import { allowDatasetObjects, datasetFunction } from './dataset.ts';

export interface DailyCompactionProps {
  bucket: IBucket;
  /** Source ids from config/feeds.json: each is compacted one day prefix at a time. */
  sources: string[];
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
  /** Closed days re-compacted on every run (late articles land in recent days); re-runs are cheap no-ops. */
  lookbackDays?: number;
  /** Where undeliverable schedule invocations and failed asynchronous runs go. */
  schedulerDeadLetterQueue: IQueue;
}

/**
 * Daily compaction in the cloud: at 00:30 in Vietnam (just after a day closes), a Lambda writes
 * articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for the last few closed days, using the
 * same lib function as `news-ingest compact`. Idempotent: an unchanged day is not written again.
 */
export class DailyCompaction extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: DailyCompactionProps) {
    super(scope, id);
    if (props.sources.length === 0) throw new Error('DailyCompaction needs at least one source id');
    const lookbackDays = props.lookbackDays ?? 3;
    this.function = datasetFunction(this, 'Compact', {
      projectRoot: props.projectRoot,
      entryFile: 'compact.ts',
      // One source-day is gathered in memory before it is gzipped and compared with the stored part.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: {
        [BUCKET_ENV]: props.bucket.bucketName,
        SOURCE_IDS: props.sources.join(','),
        LOOKBACK_DAYS: String(lookbackDays),
      },
    });
    allowDatasetObjects(this.function, props.bucket, ARTICLES_ROOT, ['s3:GetObject']);
    allowDatasetObjects(this.function, props.bucket, DAILY_ROOT, ['s3:GetObject', 's3:PutObject']);

    // The day's run may be retried for six hours (a later retry still compacts the same days), by the
    // Scheduler if it cannot invoke and by Lambda if the run fails; then it lands in the dead-letter queue.
    const eventAge = Duration.hours(6);
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: eventAge, onFailure: new SqsDestination(props.schedulerDeadLetterQueue) });
    const schedulerRole = new Role(this, 'SchedulerRole', { assumedBy: schedulerPrincipal() });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'The scheduler target grant covers the function and its versions (<arn>:*); it can invoke this one function only.',
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'Compact the last closed days of every source into articles-daily/v1/',
      schedule: ScheduleExpression.cron({ minute: '30', hour: '0', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject({}),
        role: schedulerRole,
        retryAttempts: 2,
        maxEventAge: eventAge,
        deadLetterQueue: props.schedulerDeadLetterQueue,
      }),
    });
  }
}
