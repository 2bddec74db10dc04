import { describe, expect, it } from 'vitest';
import { fixtureOutputsDigest, readExtractorVersionFile } from '../../bench/extractor-digest.ts';
import { EXTRACTOR_VERSION } from '../../lib/extract/index.ts';

describe('EXTRACTOR_VERSION', () => {
  it('is bumped whenever the extraction output of the fixture pages changes', () => {
    const recorded = readExtractorVersionFile();
    const { digest, pages } = fixtureOutputsDigest();
    expect(pages).toBeGreaterThan(50);
    expect(EXTRACTOR_VERSION).toBe(recorded.version);
    expect(
      digest,
      `extraction output of the ${pages} fixture pages changed since extractor version ${recorded.version}: ` +
        'run `npm run extractor-version` (it bumps EXTRACTOR_VERSION and records the new digest) and commit lib/extract/extractor-version.json',
    ).toBe(recorded.fixtureOutputsDigest);
  });
});
