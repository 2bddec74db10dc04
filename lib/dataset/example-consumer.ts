// Reads one day of one source from a news-ingest bucket. Self-contained: copy it into your project
// (npm install @aws-sdk/client-s3) and use it as
//
//   const client = new S3Client({ region: 'ap-southeast-1' });
//   for await (const article of readDay(client, 'my-news-bucket', 'baodanang', '2024-10-18')) {
//     console.log(article.publishedAt, article.title, article.authors.map((author) => author.name));
//   }
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';

/** The fields this example uses; every field is described in docs/dataset.md. */
export interface DatasetArticle {
  schemaVersion: 1;
  id: string;
  url: string;
  title: string;
  publishedAt: string | null;
  authors: { name: string; raw: string }[];
  body: { paragraphs: string[]; text: string; wordCount: number };
  [field: string]: unknown;
}

async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer | null> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await response.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) return null;
    throw error;
  }
}

/**
 * A day is one gzipped NDJSON object (articles-daily/v1/): one request. It holds the day as of the last
 * daily compaction (00:30 Vietnam time), so a closed day is complete; today's articles, and changes since,
 * come with the next compaction (`news-ingest export` adds them at once). A day without articles has none.
 */
export async function* readDay(client: S3Client, bucket: string, source: string, day: string): AsyncGenerator<DatasetArticle> {
  const compacted = await getObject(client, bucket, `articles-daily/v1/source=${source}/date=${day}/part-00000.ndjson.gz`);
  if (compacted === null) return;
  for (const line of gunzipSync(compacted).toString('utf8').split('\n')) {
    if (line !== '') yield JSON.parse(line) as DatasetArticle;
  }
}
