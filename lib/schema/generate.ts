import { writeFileSync } from 'node:fs';
import { ARTICLE_JSON_SCHEMA_PATH, renderArticleJsonSchema } from './json-schema.ts';

writeFileSync(ARTICLE_JSON_SCHEMA_PATH, renderArticleJsonSchema());
console.log(`wrote ${ARTICLE_JSON_SCHEMA_PATH}`);
