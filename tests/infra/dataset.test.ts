import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DailyCompaction } from '../../infra/compaction.ts';
import { DatasetCatalog } from '../../infra/dataset.ts';
import { ReextractBackfill } from '../../infra/reextract.ts';
import { loadConfig } from '../../lib/config.ts';
import { cdkAppsForTests } from '../helpers/cdk-apps.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const testApp = cdkAppsForTests();

interface SchemaNode {
  type?: string | string[];
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  const?: unknown;
}
const articleSchema = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'schema/article.v1.json'), 'utf8')) as SchemaNode;

/** A parsed Hive type: written independently of the construct's mapping, to check it from the other side. */
type HiveType = { kind: 'primitive'; name: string } | { kind: 'array'; item: HiveType } | { kind: 'struct'; fields: [string, HiveType][] };

function parseHiveType(text: string): HiveType {
  let position = 0;
  const parse = (): HiveType => {
    const name = /^[a-z]+/.exec(text.slice(position))?.[0];
    if (!name) throw new Error(`bad Hive type at ${position}: ${text}`);
    position += name.length;
    if (name === 'array') {
      position += 1; // <
      const item = parse();
      position += 1; // >
      return { kind: 'array', item };
    }
    if (name === 'struct') {
      position += 1;
      const fields: [string, HiveType][] = [];
      while (text[position] !== '>') {
        const field = /^[a-z0-9_]+/.exec(text.slice(position))![0];
        position += field.length + 1; // name and ':'
        fields.push([field, parse()]);
        if (text[position] === ',') position += 1;
      }
      position += 1;
      return { kind: 'struct', fields };
    }
    return { kind: 'primitive', name };
  };
  const parsed = parse();
  if (position !== text.length) throw new Error(`trailing text in Hive type: ${text}`);
  return parsed;
}

/** Does the Glue type hold exactly what the JSON Schema node allows (nullability aside: Hive columns are nullable)? */
function assertMatches(hive: HiveType, node: SchemaNode, path: string): void {
  const alternatives = node.anyOf ?? [node];
  const [shape] = alternatives.filter((member) => member.type !== 'null');
  const types = [shape!.type].flat().filter((type) => type !== 'null');
  expect(types, path).toHaveLength(1);
  const type = types[0];
  switch (type) {
    case 'string':
      expect(hive, path).toEqual({ kind: 'primitive', name: 'string' });
      return;
    case 'integer':
      expect(hive, path).toEqual({ kind: 'primitive', name: 'bigint' });
      return;
    case 'number':
      expect(['int', 'bigint', 'double'], path).toContain(hive.kind === 'primitive' ? hive.name : hive.kind);
      return;
    case 'array':
      expect(hive.kind, path).toBe('array');
      if (hive.kind === 'array') assertMatches(hive.item, shape!.items!, `${path}[]`);
      return;
    case 'object': {
      expect(hive.kind, path).toBe('struct');
      if (hive.kind !== 'struct') return;
      const properties = Object.entries(shape!.properties!);
      expect(hive.fields.map(([name]) => name), path).toEqual(properties.map(([name]) => name.toLowerCase()));
      hive.fields.forEach(([, fieldType], index) => assertMatches(fieldType, properties[index]![1], `${path}.${properties[index]![0]}`));
      return;
    }
    default:
      throw new Error(`${path}: the test does not know JSON Schema type ${String(type)}`);
  }
}

describe('dataset constructs (Glue, Athena, compaction, re-extraction)', () => {
  let template: Template;
  let sourceIds: string[];

  beforeAll(async () => {
    sourceIds = (await loadConfig(resolve(PROJECT_ROOT, 'config/feeds.json'))).sources.map((source) => source.id);
    const app = testApp();
    const stack = new Stack(app, 'DatasetTest');
    const accessLogs = new Bucket(stack, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    });
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'The access log bucket of this test stack does not log itself.' });
    const bucket = new Bucket(stack, 'Data', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
    });
    new DatasetCatalog(stack, 'Dataset', { bucket, sources: sourceIds, accessLogsBucket: accessLogs, firstDate: '2024-01-01' });
    const scheduleDeadLetters = new Queue(stack, 'ScheduleDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    Validations.of(scheduleDeadLetters).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This test queue is a dead-letter queue.' });
    new DailyCompaction(stack, 'Compaction', { bucket, projectRoot: PROJECT_ROOT, schedulerDeadLetterQueue: scheduleDeadLetters });
    new ReextractBackfill(stack, 'Reextract', { bucket, projectRoot: PROJECT_ROOT, maxConcurrency: 5, reservedConcurrency: 5 });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Synthesis fails with the list of findings if any AwsSolutions rule is broken and not acknowledged.
    app.synth();
    template = Template.fromStack(stack);
  }, 120_000);

  const tableInput = (name: string): Record<string, any> => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((resource) => resource.Properties.TableInput);
    const table = tables.find((input) => input.Name === name);
    if (!table) throw new Error(`no Glue table ${name}`);
    return table;
  };

  it.each(['articles', 'articles_daily'])('%s: one column per JSON Schema property, with matching types', (name) => {
    const columns = tableInput(name).StorageDescriptor.Columns as { Name: string; Type: string }[];
    const properties = Object.entries(articleSchema.properties!);
    expect(columns.map((column) => column.Name)).toEqual(properties.map(([property]) => property.toLowerCase()));
    columns.forEach((column, index) => assertMatches(parseHiveType(column.Type), properties[index]![1], properties[index]![0]));
    // Spot checks written out, so a wrong mapping is visible here too.
    const byName = Object.fromEntries(columns.map((column) => [column.Name, column.Type]));
    expect(byName.schemaversion).toBe('int');
    expect(byName.body).toBe('struct<paragraphs:array<string>,text:string,wordcount:bigint>');
    expect(byName.authors).toBe('array<struct<name:string,raw:string>>');
    expect(byName.publishedat).toBe('string');
  });

  it('articles: every article object under articles/v2/ (keyed by id, so not partitioned)', () => {
    const input = tableInput('articles');
    expect(input.PartitionKeys).toBeUndefined();
    expect(input.Parameters).toEqual({ classification: 'json' });
    expect(JSON.stringify(input.StorageDescriptor.Location)).toContain('/articles/v2/');
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
  });

  it.each([['articles_daily', 'articles-daily/v1/']])('%s: partition projection on source_id (configured sources) and date over %s', (name, prefix) => {
    const input = tableInput(name);
    expect(input.PartitionKeys.map((key: { Name: string; Type: string }) => `${key.Name}:${key.Type}`)).toEqual(['source_id:string', 'date:string']);
    const parameters = input.Parameters as Record<string, string>;
    expect(parameters['projection.enabled']).toBe('true');
    expect(parameters['projection.source_id.type']).toBe('enum');
    expect(parameters['projection.source_id.values']!.split(',')).toEqual(sourceIds);
    expect(sourceIds).toContain('baodanang');
    expect(parameters['projection.date.type']).toBe('date');
    expect(parameters['projection.date.format']).toBe('yyyy-MM-dd');
    expect(parameters['projection.date.range']).toBe('2024-01-01,NOW+1DAYS');
    const template = JSON.stringify(parameters['storage.location.template']);
    expect(template).toContain(`/${prefix}source=\${source_id}/date=\${date}/`);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
  });

  it('has a workgroup that enforces its own encrypted results location', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^DatasetQueryResults') }, '/results/']] },
        },
      },
    });
  });

  it('saves the three queries in the workgroup', () => {
    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((resource) => resource.Properties);
    expect(queries.map((query) => query.Name)).toEqual([
      'Articles per source per day',
      'Articles missing a date or byline',
      'Full-text search',
    ]);
    for (const query of queries) {
      expect(query.Database).toBe('news_ingest');
      expect(query.WorkGroup.Ref).toMatch(/^DatasetWorkGroup/);
    }
    expect(queries[1].QueryString).toContain('publishedat IS NULL OR cardinality(authors) = 0');
    expect(queries[2].QueryString).toContain("LIKE '%đà nẵng%'");
  });

  it('runs re-extraction as a Distributed Map over raw/ objects, one Lambda per object (a batch of pages)', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(1);
    const definition = JSON.stringify(machines[0]!.Properties.DefinitionString);
    expect(definition).toContain(':states:::s3:listObjectsV2');
    expect(definition).toContain('\\"Prefix\\":\\"raw/\\"');
    expect(definition).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('\\"ExecutionType\\":\\"EXPRESS\\"');
    expect(definition).toContain('\\"ToleratedFailurePercentage\\":5');
    expect(definition).toContain(':states:::s3:putObject');
    expect(definition).toContain('\\"Prefix\\":\\"reextract-results/\\"');
    expect(definition).toMatch(/"Fn::GetAtt":\["Reextract[0-9A-F]+","Arn"\]/);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
  });

  it('schedules compaction daily at 00:30 in Vietnam, just after a day closes', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      Target: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CompactionCompact'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: { NEWS_INGEST_BUCKET: { Ref: Match.stringLikeRegexp('^Data') } } },
    });
  });

  it('refuses a catalog without sources', () => {
    const stack = new Stack(testApp(), 'Empty');
    expect(() => new DatasetCatalog(stack, 'Dataset', { bucket: new Bucket(stack, 'B'), sources: [] })).toThrow(
      'DatasetCatalog needs at least one source id',
    );
  });
});
