import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REEXTRACT_RESULTS_PREFIX } from '../reextract.ts';

export interface StorageProps {
  rawRetentionDays: number;
  revisionRetentionDays: number;
}

/** The dataset bucket (articles/, raw/, state/, runs/) and the bucket its access logs go to. */
export class Storage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 server access logging can only deliver to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the destination of the data bucket\'s access logs; logging it too would only log the log writes.',
    });

    this.bucket = new Bucket(this, 'Data', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioning keeps an article's earlier revisions when a page is updated.
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'raw-pages',
          prefix: 'raw/',
          // S3 skips objects under 128 KB by default (the bucket's transition minimum, IA's minimum billable
          // size): a batch of raw pages (lib/store/raw-pages.ts) of three or more pages is above it and moves;
          // a single page (pre-batching, or a batch of one) stays in Standard, where it costs less.
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
          expiration: Duration.days(props.rawRetentionDays),
          // On a versioned bucket expiry only adds a delete marker: the page itself (and the page an update
          // replaced) goes a day later, so a raw page is really gone one day after its N days.
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'feed-state-history',
          prefix: 'state/',
          // Feed state is rewritten every run; its old versions are of no use after a day.
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'reextract-results',
          prefix: REEXTRACT_RESULTS_PREFIX,
          // One manifest and result files per re-extraction run: read when it ends, then of no use.
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'revision-copies',
          prefix: 'revisions/',
          // The pipeline keeps revisions as object versions here; revisions/ copies come only from the
          // CLI run against the bucket, and expire like the versions.
          expiration: Duration.days(props.revisionRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'old-revisions',
          noncurrentVersionExpiration: Duration.days(props.revisionRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        {
          id: 'expired-delete-markers',
          // A delete marker left alone once its versions expired: removed, so listings (the re-extraction
          // map's over raw/) do not walk them. Cannot share a rule with an expiration in days.
          expiredObjectDeleteMarker: true,
        },
      ],
    });
  }
}
