/**
 * A small evaluator of CloudWatch metric alarms, as AWS documents them ("Alarm evaluation" and
 * "Configuring how CloudWatch alarms treat missing data" in the CloudWatch user guide):
 * - the metric is aggregated per `Period` (periods aligned to the epoch) with the alarm's statistic;
 *   a period without any sample has no datapoint (it is missing);
 * - the evaluation range is the last `EvaluationPeriods` complete periods; the alarm goes to ALARM when
 *   at least `DatapointsToAlarm` of them breach the threshold, else OK;
 * - missing datapoints count as breaching (`breaching`), as not breaching (`notBreaching`), or are left out
 *   (`missing`, `ignore`): then a range with no datapoint at all leaves the alarm INSUFFICIENT_DATA
 *   (`missing`, the default) or in its current state (`ignore`).
 * Not modelled: metric math (none of the stack's alarms use it), percentiles, and the look-back past the
 * range CloudWatch may do for `missing`/`ignore` when some datapoints are present (our alarms use
 * notBreaching).
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
type Statistic = 'Sum' | 'Maximum' | 'Minimum' | 'Average' | 'SampleCount';
type Comparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
type MissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export interface AlarmRule {
  name: string;
  namespace: string;
  metricName: string;
  /** Dimension values as written in the template: a string, or a token (Ref, GetAtt) compared as JSON. */
  dimensions: Record<string, string>;
  statistic: Statistic;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  treatMissingData: MissingData;
}

export interface MetricSample {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Epoch ms. */
  timestamp: number;
  value: number;
}

const dimensionValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Every AWS::CloudWatch::Alarm of a synthesized template, by AlarmName. */
export function alarmRulesFromTemplate(template: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> }): Map<string, AlarmRule> {
  const rules = new Map<string, AlarmRule>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = resource.Properties;
    if (p.Metrics !== undefined) throw new Error(`${logicalId}: metric math alarms are not modelled by this evaluator`);
    if (typeof p.AlarmName !== 'string') throw new Error(`${logicalId}: AlarmName must be a plain string to name a scenario`);
    const evaluationPeriods = p.EvaluationPeriods as number;
    rules.set(p.AlarmName, {
      name: p.AlarmName,
      namespace: p.Namespace,
      metricName: p.MetricName,
      dimensions: Object.fromEntries((p.Dimensions ?? []).map((d: { Name: string; Value: unknown }) => [d.Name, dimensionValue(d.Value)])),
      statistic: p.Statistic,
      periodSeconds: p.Period,
      evaluationPeriods,
      datapointsToAlarm: p.DatapointsToAlarm ?? evaluationPeriods,
      threshold: p.Threshold,
      comparison: p.ComparisonOperator,
      treatMissingData: p.TreatMissingData ?? 'missing',
    });
  }
  return rules;
}

/**
 * The samples an EMF line stands for (CloudWatch embedded metric format: `_aws.CloudWatchMetrics` names
 * the namespace, dimension sets and metrics; values are top-level properties, numbers or arrays).
 */
export function samplesFromEmf(lines: ReadonlyArray<Record<string, any>>): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of lines) {
    const aws = line._aws as { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
    for (const directive of aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(line[name])]));
        for (const { Name } of directive.Metrics) {
          const raw = line[Name] as number | number[];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            samples.push({ namespace: directive.Namespace, metricName: Name, dimensions, timestamp: aws.Timestamp, value });
          }
        }
      }
    }
  }
  return samples;
}

/** A sample of the alarm's own metric, for AWS service metrics (Lambda Errors, SQS, Step Functions). */
export function sampleOf(rule: AlarmRule, timestamp: number, value: number): MetricSample {
  return { namespace: rule.namespace, metricName: rule.metricName, dimensions: { ...rule.dimensions }, timestamp, value };
}

function matches(rule: AlarmRule, sample: MetricSample): boolean {
  if (sample.namespace !== rule.namespace || sample.metricName !== rule.metricName) return false;
  // CloudWatch matches the exact dimension set: a metric with more or other dimensions is another metric.
  const names = Object.keys(rule.dimensions);
  if (Object.keys(sample.dimensions).length !== names.length) return false;
  return names.every((name) => sample.dimensions[name] === rule.dimensions[name]);
}

function aggregate(statistic: Statistic, values: number[]): number {
  switch (statistic) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
  }
}

function breaches(rule: AlarmRule, value: number): boolean {
  switch (rule.comparison) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

/** The datapoints (null: missing) of the evaluation range ending at the last complete period before `at`. */
function evaluationRange(rule: AlarmRule, samples: readonly MetricSample[], at: number): Array<number | null> {
  const periodMs = rule.periodSeconds * 1000;
  const lastEnd = Math.floor(at / periodMs) * periodMs;
  const own = samples.filter((sample) => matches(rule, sample));
  const range: Array<number | null> = [];
  for (let index = rule.evaluationPeriods; index >= 1; index -= 1) {
    const end = lastEnd - (index - 1) * periodMs;
    const values = own.filter((sample) => sample.timestamp >= end - periodMs && sample.timestamp < end).map((sample) => sample.value);
    range.push(values.length === 0 ? null : aggregate(rule.statistic, values));
  }
  return range;
}

/** The alarm's state after an evaluation at `at`, given its state before. */
export function evaluateAt(rule: AlarmRule, samples: readonly MetricSample[], at: number, previous: AlarmState): AlarmState {
  const range = evaluationRange(rule, samples, at);
  const present = range.filter((value): value is number => value !== null);
  if (present.length === 0) {
    if (rule.treatMissingData === 'missing') return 'INSUFFICIENT_DATA';
    if (rule.treatMissingData === 'ignore') return previous;
  }
  let breaching = present.filter((value) => breaches(rule, value)).length;
  if (rule.treatMissingData === 'breaching') breaching += range.length - present.length;
  return breaching >= rule.datapointsToAlarm ? 'ALARM' : 'OK';
}

export interface Simulation {
  /** Whether the alarm entered ALARM at any evaluation (CloudWatch evaluates every minute). */
  fired: boolean;
  firstAlarmAt: number | null;
  finalState: AlarmState;
}

/** Evaluates every minute from `from` to `to`, starting as a new alarm does (INSUFFICIENT_DATA). */
export function simulate(rule: AlarmRule, samples: readonly MetricSample[], from: number, to: number): Simulation {
  let state: AlarmState = 'INSUFFICIENT_DATA';
  let firstAlarmAt: number | null = null;
  for (let at = from; at <= to; at += 60_000) {
    state = evaluateAt(rule, samples, at, state);
    if (state === 'ALARM' && firstAlarmAt === null) firstAlarmAt = at;
  }
  return { fired: firstAlarmAt !== null, firstAlarmAt, finalState: state };
}
