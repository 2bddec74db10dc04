import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../lib/config.ts';
import { FEATURE_FLAGS, readDeploySettings } from './settings.ts';
import { NewsIngestStack } from './stack.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const app = new App({ context: { ...FEATURE_FLAGS } });
const settings = readDeploySettings(app.node);
// Fails the synth with the config's own error message before anything is bundled.
const config = await loadConfig(resolve(projectRoot, settings.configPath));

new NewsIngestStack(app, 'NewsIngest', {
  description: 'news-ingest: scheduled feed ingestion into an S3 dataset of articles',
  settings,
  config,
  projectRoot,
});

// Any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
