import { writeFileSync } from 'node:fs';
import { EXTRACTOR_VERSION_FILE, fixtureOutputsDigest, readExtractorVersionFile } from './extractor-digest.ts';

/**
 * npm run extractor-version: when extraction output of the fixture pages changed, bumps EXTRACTOR_VERSION
 * (lib/extract/extractor-version.json) and records the new digest; otherwise changes nothing. Run it after
 * any change to extraction (and after merging branches that changed it), then commit the file.
 */

const recorded = readExtractorVersionFile();
const { digest, pages } = fixtureOutputsDigest();
if (digest === recorded.fixtureOutputsDigest) {
  console.log(`extractor version ${recorded.version}: output of ${pages} fixture pages unchanged`);
} else {
  const version = String(Number(recorded.version) + 1);
  writeFileSync(EXTRACTOR_VERSION_FILE, `${JSON.stringify({ version, fixtureOutputsDigest: digest }, null, 2)}\n`);
  console.log(`extractor version ${recorded.version} → ${version}: output of ${pages} fixture pages changed (digest ${digest.slice(0, 12)})`);
}
