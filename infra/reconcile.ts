import { Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKET_ENV } from '../lib/dataset/open-store.ts';
import { ARTICLES_PREFIX, FEED_STATE_PREFIX, LEGACY_ARTICLES_PREFIX } from '../lib/store/keys.ts';
import { dailySchedule } from './daily-schedule.ts';
import { allowDatasetObjects, datasetFunction } from './dataset.ts';

export interface FeedStateReconciliationProps {
  bucket: IBucket;
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
  /** Where failed daily invocations end (alarmed). */
  schedulerDeadLetterQueue: IQueue;
}

/**
 * Daily, at 03:00 in Vietnam: feed states forget the items whose article the bucket does not hold (never
 * stored, or deleted since), so the next poll stores them again. Lists articles/v2/ (1 LIST per 1,000
 * articles) and reads and rewrites state/feeds/; it reads no article.
 */
export class FeedStateReconciliation extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: FeedStateReconciliationProps) {
    super(scope, id);
    this.function = datasetFunction(this, 'Reconcile', {
      projectRoot: props.projectRoot,
      entryFile: 'reconcile.ts',
      // The set of article ids (~40 bytes each) for the whole archive is held in memory.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { [BUCKET_ENV]: props.bucket.bucketName },
    });
    allowDatasetObjects(this.function, props.bucket, FEED_STATE_PREFIX, ['s3:GetObject', 's3:PutObject']);
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        // Its own listing, and the layout before ids (which it refuses until `news-ingest migrate` emptied it).
        conditions: { StringLike: { 's3:prefix': [`${ARTICLES_PREFIX}*`, `${LEGACY_ARTICLES_PREFIX}*`] } },
      }),
    );

    this.schedule = dailySchedule(this, this.function, {
      description: 'Forget seen feed items whose article the bucket no longer holds, so the next poll stores them again',
      hour: 3,
      minute: 0,
      deadLetterQueue: props.schedulerDeadLetterQueue,
    });
  }
}
