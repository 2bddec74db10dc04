import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ARTICLES_ROOT } from '../lib/dataset/partitions.ts';
import { FEED_STATE_PREFIX } from '../lib/store/keys.ts';
import { allowDatasetObjects, datasetFunction } from './dataset.ts';

export interface FeedStateReconciliationProps {
  bucket: IBucket;
  /** Repository root: the NodejsFunction project root. */
  projectRoot: string;
}

/**
 * Daily, at 03:00 in Vietnam: feed states forget the items whose article the bucket does not hold (never
 * stored, or deleted since), so the next poll stores them again. Lists articles/v1/ (1 LIST per 1,000
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
      environment: { BUCKET_NAME: props.bucket.bucketName },
    });
    allowDatasetObjects(this.function, props.bucket, FEED_STATE_PREFIX, ['s3:GetObject', 's3:PutObject']);
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ARTICLES_ROOT}*`] } },
      }),
    );

    const schedulerRole = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'The scheduler target grant covers the function and its versions (<arn>:*); it can invoke this one function only.',
    });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'Forget seen feed items whose article the bucket no longer holds, so the next poll stores them again',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '3', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject({}),
        role: schedulerRole,
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      }),
    });
  }
}
