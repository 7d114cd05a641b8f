// Real-world Sigstore bundles from public projects' test assets, verified against the shipped public-good root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/lib/signatures/verify-bundle';
import { publicGoodTrustedRoot } from '../../src/lib/signatures/public-good';
import { ROOT } from './helpers';

const asset = (p: string) => new Uint8Array(readFileSync(join(ROOT, 'tests/fixtures/signatures', p)));

describe('sigstore-python test assets', () => {
  it('verifies new_bundle.txt', async () => {
    const r = await verifyBundle(
      asset('sigstore-python/new_bundle.txt.sigstore.json'),
      asset('sigstore-python/new_bundle.txt'),
      {
        trustedRoot: publicGoodTrustedRoot(),
        now: new Date('2026-09-01T00:00:00Z'),
      },
    );
    console.log(r);
    expect(r.ok).toBe(true);
  });
});
