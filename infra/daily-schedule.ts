import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { schedulerPrincipal } from './constructs/pipeline.ts';

export interface DailyScheduleProps {
  description: string;
  /** Time of day in Vietnam. */
  hour: number;
  minute: number;
  /** Where invocations go that neither the Scheduler nor Lambda's async retries could complete. */
  deadLetterQueue: IQueue;
}

/**
 * Invokes a daily job at a fixed time in Vietnam. A day's run may be retried for six hours (a later retry
 * does the same work), by the Scheduler if it cannot invoke and by Lambda if the run fails; then it lands
 * in the dead-letter queue, which is alarmed.
 */
export function dailySchedule(scope: Construct, fn: NodejsFunction, props: DailyScheduleProps): Schedule {
  const eventAge = Duration.hours(6);
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: eventAge, onFailure: new SqsDestination(props.deadLetterQueue) });
  const schedulerRole = new Role(scope, 'SchedulerRole', { assumedBy: schedulerPrincipal() });
  Validations.of(schedulerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
    reason: 'The scheduler target grant covers the function and its versions (<arn>:*); it can invoke this one function only.',
  });
  return new Schedule(scope, 'Daily', {
    description: props.description,
    schedule: ScheduleExpression.cron({ minute: String(props.minute), hour: String(props.hour), timeZone: TimeZone.ASIA_HO_CHI_MINH }),
    target: new LambdaInvoke(fn, {
      input: ScheduleTargetInput.fromObject({}),
      role: schedulerRole,
      retryAttempts: 2,
      maxEventAge: eventAge,
      deadLetterQueue: props.deadLetterQueue,
    }),
  });
}
