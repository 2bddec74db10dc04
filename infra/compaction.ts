import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKET_ENV } from '../lib/dataset/open-store.ts';
import { DAILY_ROOT } from '../lib/dataset/partitions.ts';
import { ARTICLES_PREFIX, COMPACTION_DUE_PREFIX, COMPACTION_WATERMARK_KEY } from '../lib/store/keys.ts';
import { dailySchedule } from './daily-schedule.ts';
import { allowDatasetObjects, datasetFunction } from './dataset.ts';

export interface DailyCompactionProps {
  bucket: IBucket;
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
  /** Where undeliverable schedule invocations and failed asynchronous runs go. */
  schedulerDeadLetterQueue: IQueue;
}

/**
 * Daily compaction in the cloud: at 00:30 in Vietnam (just after a day closes), a Lambda writes
 * articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for every day whose articles changed since
 * its last run (found from one listing of articles/v2/ and the days writers marked as left,
 * state/compaction-due/), using the same lib function as `news-ingest compact`. Idempotent: an unchanged
 * day is not written again.
 */
export class DailyCompaction extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: DailyCompactionProps) {
    super(scope, id);
    this.function = datasetFunction(this, 'Compact', {
      projectRoot: props.projectRoot,
      entryFile: 'compact.ts',
      // Every article id (~40 bytes each) and one source-day of articles are held in memory.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { [BUCKET_ENV]: props.bucket.bucketName },
    });
    allowDatasetObjects(this.function, props.bucket, ARTICLES_PREFIX, ['s3:GetObject']);
    // A day left with no article loses its part.
    allowDatasetObjects(this.function, props.bucket, DAILY_ROOT, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    // Days writers marked as left: taken (deleted) once read, and put back when their compaction fails.
    allowDatasetObjects(this.function, props.bucket, COMPACTION_DUE_PREFIX, ['s3:PutObject', 's3:DeleteObject']);
    allowDatasetObjects(this.function, props.bucket, COMPACTION_WATERMARK_KEY, ['s3:GetObject', 's3:PutObject']);

    this.schedule = dailySchedule(this, this.function, {
      description: 'Compact every day whose articles changed into articles-daily/v1/',
      hour: 0,
      minute: 30,
      deadLetterQueue: props.schedulerDeadLetterQueue,
    });
  }
}
