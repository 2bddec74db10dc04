import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData, type Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  DefaultDashboardFactory,
  MetricStatistic,
  MonitoringFacade,
  SnsAlarmActionStrategy,
  type CustomMetricGroup,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import {
  DRIFT_FIELDS,
  FIELD_DIMENSION,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  MetricNames,
  SOURCE_DIMENSION,
} from '../../functions/metric-names.ts';
import type { QueueWithDlq } from './pipeline.ts';

export interface MonitoredFunction {
  /** Stable name for alarms and widgets (function names are generated at deploy time). */
  name: string;
  fn: IFunction;
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
  /** Alarmed on failed executions (their workers' errors are the state machine's to judge). */
  stateMachines: MonitoredStateMachine[];
  queues: MonitoredQueue[];
  sourceIds: string[];
  alarmEmail: string | null;
  noNewArticlesHours: number;
  driftThresholdPercent: number;
}

/** Drift is judged over this window, and only once a source has this many extracted articles in it. */
const DRIFT_WINDOW = Duration.hours(6);
const DRIFT_MIN_ARTICLES = 5;

/**
 * One dashboard and the alarms that matter, all notifying one SNS topic: dead letters, function errors and
 * throttles, queues that stop draining, a source with no new article for too long, and extraction drift.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly dashboardUrl: string;
  readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${stackName} alarms`, enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and metric values. CloudWatch cannot publish to a topic encrypted ' +
        'with the AWS managed SNS key, and a customer managed key would cost more than the rest of the stack.',
    });
    if (props.alarmEmail !== null) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: stackName,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        actionsEnabled: true,
        alarmNamePrefix: stackName,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic }),
      },
      metricFactoryDefaults: { namespace: METRICS_NAMESPACE },
      dashboardFactory: dashboards,
    });

    this.facade.addLargeHeader('News ingest');
    this.facade.monitorCustom({
      alarmFriendlyName: 'PipelineThroughput',
      humanReadableName: 'Pipeline throughput (all sources)',
      metricGroups: [
        this.searchGroup('Feeds', [MetricNames.FeedsFetched, MetricNames.FeedsNotModified, MetricNames.FeedsFailed]),
        this.searchGroup('Articles', [
          MetricNames.ArticlesDiscovered,
          MetricNames.ArticlesStored,
          MetricNames.ArticlesUpdated,
          MetricNames.ArticlesUnchanged,
          MetricNames.ArticlesSkipped,
          MetricNames.ArticlesFailed,
        ]),
        this.searchGroup('Latency (ms)', [MetricNames.FetchLatency, MetricNames.PublishToStoreLag], MetricStatistic.P90),
      ],
    });

    for (const sourceId of props.sourceIds) this.monitorSource(sourceId, props);

    this.facade.addLargeHeader('Queues');
    for (const queue of props.queues) {
      this.facade.monitorSqsQueueWithDlq({
        alarmFriendlyName: queue.name,
        humanReadableName: queue.name,
        queue: queue.queue,
        deadLetterQueue: queue.deadLetterQueue,
        addDeadLetterQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0 } },
        addQueueMaxMessageAgeAlarm: { Warning: { maxAgeInSeconds: queue.maxMessageAge.toSeconds() } },
      });
    }

    this.facade.addLargeHeader('Functions');
    for (const { name, fn } of props.functions) {
      this.facade.monitorLambdaFunction({
        alarmFriendlyName: name,
        humanReadableName: name,
        lambdaFunction: fn,
        // Partial batch failures are returned, not thrown: an Errors datapoint is a crash or a timeout.
        addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Critical: { maxErrorCount: 0 } },
      });
    }

    for (const { name, stateMachine } of props.stateMachines) {
      this.facade.monitorStepFunction({
        alarmFriendlyName: name,
        humanReadableName: name,
        stateMachine,
        addFailedExecutionCountAlarm: { Critical: { maxErrorCount: 0 } },
        addTimedOutExecutionCountAlarm: { Critical: { maxErrorCount: 0 } },
      });
    }

    const dashboard = dashboards.dashboard;
    if (dashboard === undefined) throw new Error('the monitoring dashboard was not created');
    this.dashboard = dashboard;
    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`;
  }

  private monitorSource(sourceId: string, props: MonitoringProps): void {
    const perSource = (metricName: string, period: Duration, extra: Record<string, string> = {}): Metric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE, [SOURCE_DIMENSION]: sourceId, ...extra },
        statistic: 'Sum',
        period,
      });

    const noNewArticlesWindow = Duration.hours(props.noNewArticlesHours);
    const extracted = (period: Duration) => ({
      stored: perSource(MetricNames.ArticlesStored, period),
      updated: perSource(MetricNames.ArticlesUpdated, period),
      unchanged: perSource(MetricNames.ArticlesUnchanged, period),
    });
    const driftInputs: Record<string, Metric> = { ...extracted(DRIFT_WINDOW) };
    DRIFT_FIELDS.forEach((field, index) => {
      driftInputs[`missing${index}`] = perSource(MetricNames.MissingField, DRIFT_WINDOW, { [FIELD_DIMENSION]: field });
    });
    const missingShares = DRIFT_FIELDS.map((_, index) => `FILL(missing${index}, 0)`).join(', ');
    const count = 'FILL(stored, 0) + FILL(updated, 0) + FILL(unchanged, 0)';
    // The larger of the per-field shares, and 0 while too few articles were extracted to judge.
    const drift = new MathExpression({
      expression: `IF((${count}) >= ${DRIFT_MIN_ARTICLES}, 100 * MAX([${missingShares}]) / (${count}), 0)`,
      usingMetrics: driftInputs,
      period: DRIFT_WINDOW,
      label: `% of ${sourceId} articles missing ${DRIFT_FIELDS.join(' or ')}`,
    });

    const groups: CustomMetricGroup[] = [
      {
        title: `New articles (${props.noNewArticlesHours} h sum)`,
        metrics: [
          {
            metric: perSource(MetricNames.ArticlesStored, noNewArticlesWindow),
            alarmFriendlyName: 'NoNewArticles',
            addAlarm: {
              Critical: {
                threshold: 1,
                comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
                // No datapoint at all is exactly the failure this alarm is for.
                treatMissingDataOverride: TreatMissingData.BREACHING,
                period: noNewArticlesWindow,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                additionalDescription: `${sourceId} stored no new article in ${props.noNewArticlesHours} hours.`,
              },
            },
          },
        ],
      },
      {
        title: 'Extraction drift (%)',
        metrics: [
          {
            metric: drift,
            alarmFriendlyName: 'ExtractionDrift',
            addAlarm: {
              Warning: {
                threshold: props.driftThresholdPercent,
                comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
                period: DRIFT_WINDOW,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                additionalDescription:
                  `More than ${props.driftThresholdPercent}% of ${sourceId} articles lack ${DRIFT_FIELDS.join(' or ')}: ` +
                  'the site may have changed its template.',
              },
            },
          },
        ],
      },
    ];
    this.facade.monitorCustom({ alarmFriendlyName: `Source-${sourceId}`, humanReadableName: `Source ${sourceId}`, metricGroups: groups });
  }

  private searchGroup(title: string, metricNames: string[], statistic = MetricStatistic.SUM): CustomMetricGroup {
    return {
      title,
      metrics: metricNames.map((metricName) => ({
        namespace: METRICS_NAMESPACE,
        searchQuery: `MetricName="${metricName}"`,
        label: metricName,
        // Any source: one line per source and metric.
        dimensionsMap: { service: METRICS_SERVICE, [SOURCE_DIMENSION]: undefined as unknown as string },
        statistic,
      })),
    };
  }
}
