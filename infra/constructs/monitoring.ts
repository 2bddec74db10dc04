import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, MetricNames } from '../../functions/metric-names.ts';
import type { QueueWithDlq } from './pipeline.ts';

export interface MonitoredFunction {
  /** Stable name for alarms and widgets (function names are generated at deploy time). */
  name: string;
  fn: IFunction;
  /**
   * Throttles alarm only when every 5-minute period of this many breaches: for a function whose caller
   * retries throttles with backoff (the re-extraction map), a burst is expected and only a stall matters.
   */
  sustainedThrottlePeriods?: number;
  /** false: the function's errors are judged by its caller (the re-extraction map's tolerated failures). */
  alarmOnErrors?: boolean;
}

export interface MonitoredQueue extends QueueWithDlq {
  name: string;
  /** Alarm when the oldest waiting message is older than this: the consumer is stuck or far behind. */
  maxMessageAge: Duration;
}

export interface MonitoredStateMachine {
  name: string;
  stateMachine: IStateMachine;
}

export interface MonitoringProps {
  functions: MonitoredFunction[];
  stateMachines: MonitoredStateMachine[];
  queues: MonitoredQueue[];
  /** Where EventBridge Scheduler puts invocations it could not deliver (both schedules). */
  schedulerDeadLetterQueue: IQueue;
  /** The process-article log group, for the per-source Logs Insights widget. */
  articleLogGroup: ILogGroup;
  alarmEmail: string | null;
}

/**
 * Alarm rules, and why each is shaped as it is (CloudWatch judges the last `evaluationPeriods` periods and
 * alarms when `datapointsToAlarm` of them breach; see tests/helpers/alarm-evaluator.ts):
 * - Failures of rare runs (a daily compaction, one backfill execution, one dispatch tick) produce one
 *   datapoint, so their alarms breach on 1 of 1 period; missing data (no run, no failure) is not breaching.
 * - The source-health numbers come from dispatch every tick, 0 included, over 1-hour periods.
 */
const FAST_PERIOD = Duration.minutes(5);
const HOURLY = Duration.hours(1);

/**
 * One dashboard and the alarms that matter, all notifying one SNS topic. Custom metrics carry no source
 * dimension (see functions/metric-names.ts): per-source freshness and drift are judged by dispatch and
 * arrive as SourcesStale / SourcesDrifting, naming the sources in its log.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly dashboardUrl: string;
  private readonly alarmPrefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.alarmPrefix = stackName;

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${stackName} alarms`, enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and metric values. CloudWatch cannot publish to a topic encrypted ' +
        'with the AWS managed SNS key, and a customer managed key would cost more than the rest of the stack.',
    });
    if (props.alarmEmail !== null) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const custom = (metricName: string, statistic: string, period: Duration) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE }, statistic, period });

    this.alarm('FeedsFailed', custom(MetricNames.FeedsFailed, 'Sum', HOURLY), {
      description: 'A feed failed permanently (HTTP 404/410, not a feed, robots): its URL in config/feeds.json needs a look.',
    });
    this.alarm('ArticlesFailed', custom(MetricNames.ArticlesFailed, 'Sum', HOURLY), {
      description: 'An article failed permanently (extraction error, unknown source); the log line "article failed permanently" names it.',
    });
    this.alarm('SourcesStale', custom(MetricNames.SourcesStale, 'Maximum', HOURLY), {
      description: 'A source stored no new article for the configured hours; dispatch logs "source unhealthy" with its id.',
    });
    this.alarm('SourcesDrifting', custom(MetricNames.SourcesDrifting, 'Maximum', HOURLY), {
      description:
        "A source's new articles lack publishedAt or authors more often than the threshold (its template may have changed); " +
        'dispatch logs "source unhealthy" with its id and share.',
    });

    this.alarm('RunLedgerUnbalanced', custom(MetricNames.RunLedgerUnaccounted, 'Maximum', HOURLY), {
      description:
        "A day's run ledger does not add up: articles were queued that never reached a final state (dead-lettered or lost); " +
        'runs/<day>/daily-summary.json lists them.',
    });

    for (const queue of props.queues) {
      this.alarm(`${queue.name}-DeadLetters`, queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FAST_PERIOD, statistic: 'Maximum' }), {
        description: `${queue.name}'s dead-letter queue holds messages that failed every retry.`,
      });
      this.alarm(`${queue.name}-OldestMessage`, queue.queue.metricApproximateAgeOfOldestMessage({ period: FAST_PERIOD, statistic: 'Maximum' }), {
        threshold: queue.maxMessageAge.toSeconds(),
        description: `A message waited in ${queue.name} longer than ${queue.maxMessageAge.toHumanString()}: its consumer is stuck or far behind.`,
      });
    }
    this.alarm('Schedules-DeadLetters', props.schedulerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FAST_PERIOD, statistic: 'Maximum' }), {
      description: 'EventBridge Scheduler could not invoke a target after its retries (dispatch or compaction did not run).',
    });

    for (const { name, fn, sustainedThrottlePeriods, alarmOnErrors } of props.functions) {
      if (alarmOnErrors !== false) {
        // Partial batch failures are returned, not thrown: an Errors datapoint is a crash, a timeout or a failed run.
        this.alarm(`${name}-Errors`, fn.metricErrors({ period: FAST_PERIOD, statistic: 'Sum' }), {
          description: `${name} failed (crash, timeout or failed run).`,
        });
      }
      const periods = sustainedThrottlePeriods ?? 1;
      this.alarm(`${name}-Throttles`, fn.metricThrottles({ period: FAST_PERIOD, statistic: 'Sum' }), {
        evaluationPeriods: periods,
        description:
          periods === 1 ? `${name} was throttled (concurrency exhausted).` : `${name} was throttled in each of ${periods} consecutive 5-minute periods.`,
      });
    }

    for (const { name, stateMachine } of props.stateMachines) {
      this.alarm(`${name}-ExecutionsFailed`, stateMachine.metricFailed({ period: FAST_PERIOD, statistic: 'Sum' }), {
        description: `A ${name} execution failed (more pages failed than tolerated, or the map itself failed).`,
      });
      this.alarm(`${name}-ExecutionsTimedOut`, stateMachine.metricTimedOut({ period: FAST_PERIOD, statistic: 'Sum' }), {
        description: `A ${name} execution timed out.`,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stackName}-news-ingest` });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# News ingest\nPer-source detail: the Logs Insights table below; source health: dispatch logs "source unhealthy".',
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: 'Articles and failures (all sources)',
        left: [MetricNames.ArticlesStored, MetricNames.ArticlesFailed, MetricNames.FeedsFailed].map((name) => custom(name, 'Sum', HOURLY)),
        width: 12,
      }),
      new GraphWidget({
        title: 'Unhealthy sources',
        left: [MetricNames.SourcesStale, MetricNames.SourcesDrifting].map((name) => custom(name, 'Maximum', HOURLY)),
        width: 12,
      }),
      new LogQueryWidget({
        title: 'Article outcomes per source (last period shown)',
        logGroupNames: [props.articleLogGroup.logGroupName],
        queryLines: ['filter message = "article outcome"', 'stats count(*) as articles by sourceId, state', 'sort sourceId, state'],
        width: 24,
      }),
      new GraphWidget({
        title: 'Queues: messages waiting / in dead-letter queues',
        left: props.queues.map((queue) => queue.queue.metricApproximateNumberOfMessagesVisible({ period: FAST_PERIOD, statistic: 'Maximum' })),
        right: props.queues.map((queue) => queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FAST_PERIOD, statistic: 'Maximum' })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Function errors and throttles',
        left: props.functions.map(({ fn }) => fn.metricErrors({ period: FAST_PERIOD, statistic: 'Sum' })),
        right: props.functions.map(({ fn }) => fn.metricThrottles({ period: FAST_PERIOD, statistic: 'Sum' })),
        width: 12,
      }),
    );
    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** An alarm on `metric` > threshold (default 0), notBreaching when data is missing, notifying the topic. */
  private alarm(
    id: string,
    metric: Metric,
    options: { description: string; threshold?: number; evaluationPeriods?: number },
  ): void {
    const evaluationPeriods = options.evaluationPeriods ?? 1;
    const alarm = new Alarm(this, id, {
      alarmName: `${this.alarmPrefix}-${id}`,
      alarmDescription: options.description,
      metric,
      threshold: options.threshold ?? 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      // Every metric here has datapoints only when something happened (or, for the source-health numbers,
      // when dispatch ran): silence is not a failure in itself; a missing dispatch alarms through its
      // schedule's dead letters and its errors.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }
}
