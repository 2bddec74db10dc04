import { describe, expect, it } from 'vitest';
import { evaluateAt, samplesFromEmf, sampleOf, simulate, type AlarmRule } from '../helpers/alarm-evaluator.ts';

/** The evaluator's rules, each as the CloudWatch user guide states it. */

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 8, 5, 17, 30); // 00:30 in Vietnam: the daily compaction's run

function rule(overrides: Partial<AlarmRule>): AlarmRule {
  return {
    name: 'test',
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: 'compact' },
    statistic: 'Sum',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...overrides,
  };
}

describe('alarm evaluator', () => {
  it('one failure of a daily run: a 3-of-3 five-minute alarm with missing data not breaching never fires; 1 of 1 does', () => {
    const failure = [sampleOf(rule({}), T0 + MINUTE, 1)];
    expect(simulate(rule({ evaluationPeriods: 3, datapointsToAlarm: 3 }), failure, T0 - 60 * MINUTE, T0 + 24 * 60 * MINUTE).fired).toBe(false);
    const oneOfOne = simulate(rule({}), failure, T0 - 60 * MINUTE, T0 + 24 * 60 * MINUTE);
    expect(oneOfOne.fired).toBe(true);
    // Judged once the five-minute period holding the failure is complete.
    expect(oneOfOne.firstAlarmAt).toBe(T0 + 5 * MINUTE);
    expect(oneOfOne.finalState).toBe('OK');
  });

  it('missing data: breaching alarms on an empty range, notBreaching is OK, missing is INSUFFICIENT_DATA, ignore keeps the state', () => {
    const lessThanOne = { comparison: 'LessThanThreshold' as const, threshold: 1 };
    expect(evaluateAt(rule({ ...lessThanOne, treatMissingData: 'breaching' }), [], T0, 'OK')).toBe('ALARM');
    expect(evaluateAt(rule({ ...lessThanOne, treatMissingData: 'notBreaching' }), [], T0, 'ALARM')).toBe('OK');
    expect(evaluateAt(rule({ ...lessThanOne, treatMissingData: 'missing' }), [], T0, 'OK')).toBe('INSUFFICIENT_DATA');
    expect(evaluateAt(rule({ ...lessThanOne, treatMissingData: 'ignore' }), [], T0, 'ALARM')).toBe('ALARM');
  });

  it('M of N: 2 of 3 periods breaching alarms, 1 of 3 does not', () => {
    const twoOfThree = rule({ evaluationPeriods: 3, datapointsToAlarm: 2 });
    const at = T0 + 15 * MINUTE;
    expect(evaluateAt(twoOfThree, [sampleOf(twoOfThree, T0, 1), sampleOf(twoOfThree, T0 + 10 * MINUTE, 2)], at, 'OK')).toBe('ALARM');
    expect(evaluateAt(twoOfThree, [sampleOf(twoOfThree, T0, 1), sampleOf(twoOfThree, T0 + 5 * MINUTE, 0)], at, 'OK')).toBe('OK');
  });

  it('statistics: Maximum, Average and SampleCount over one period; only the exact dimension set matches', () => {
    const samples = [1, 5, 3].map((value, index) => sampleOf(rule({}), T0 + index * MINUTE, value));
    const at = T0 + 5 * MINUTE;
    expect(evaluateAt(rule({ statistic: 'Maximum', threshold: 4 }), samples, at, 'OK')).toBe('ALARM');
    expect(evaluateAt(rule({ statistic: 'Average', threshold: 3 }), samples, at, 'OK')).toBe('OK');
    expect(evaluateAt(rule({ statistic: 'SampleCount', threshold: 2 }), samples, at, 'OK')).toBe('ALARM');
    const other = { ...samples[1]!, dimensions: { FunctionName: 'compact', Resource: 'compact:1' } };
    expect(evaluateAt(rule({ threshold: 4 }), [other], at, 'OK')).toBe('OK');
  });

  it('reads EMF as CloudWatch does: each dimension set, each metric, each value of an array', () => {
    const line = {
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [{ Namespace: 'NewsIngest', Dimensions: [['service']], Metrics: [{ Name: 'ArticlesStored', Unit: 'Count' }] }],
      },
      service: 'news-ingest',
      ArticlesStored: [2, 3],
    };
    expect(samplesFromEmf([line])).toEqual([
      { namespace: 'NewsIngest', metricName: 'ArticlesStored', dimensions: { service: 'news-ingest' }, timestamp: T0, value: 2 },
      { namespace: 'NewsIngest', metricName: 'ArticlesStored', dimensions: { service: 'news-ingest' }, timestamp: T0, value: 3 },
    ]);
  });
});
