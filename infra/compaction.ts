import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKET_ENV } from '../lib/dataset/open-store.ts';
import { ARTICLES_ROOT, DAILY_ROOT } from '../lib/dataset/partitions.ts';
import { COMPACTION_DUE_PREFIX } from '../lib/store/keys.ts';
import { dailySchedule } from './daily-schedule.ts';
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
 * articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for the last few closed days and for every
 * older day a write marked after it closed (state/compaction-due/), using the same lib function as
 * `news-ingest compact`. Idempotent: an unchanged day is not written again.
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
    // Days marked by writes after they closed: taken (deleted), and put back when their compaction fails.
    allowDatasetObjects(this.function, props.bucket, COMPACTION_DUE_PREFIX, ['s3:PutObject', 's3:DeleteObject']);

    this.schedule = dailySchedule(this, this.function, {
      description: 'Compact the last closed days of every source into articles-daily/v1/',
      hour: 0,
      minute: 30,
      deadLetterQueue: props.schedulerDeadLetterQueue,
    });
  }
}
