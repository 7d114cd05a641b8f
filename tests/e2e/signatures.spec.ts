// E2E: signatures verified in the browser against the real test registry. A policy pushed by the app is signed in
// the test as cosign writes signatures — `.sig` layers made with a key and with the test Fulcio chain plus a Rekor
// SET, and a cosign v3 bundle referrer behind the `sha256-<hex>` fallback tag (distribution 2.8 has no referrers
// API) — by the test PKI of tests/fixtures/signatures. openssl and skopeo cross-check what the registry serves:
// `openssl dgst -verify` on the simple-signing payloads, `openssl verify -attime` on the certificate chain.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, Request } from '@playwright/test';
import { cosignLayer } from '../fixtures/signatures/cosign-layers';
import { ecKeys, pem, type Keys } from '../fixtures/signatures/pki';
import {
  getManifest,
  pushBundleReferrer,
  pushCosignSignatures,
} from '../fixtures/signatures/registry-signing';
import { IDENTITY, ISSUER, SIGNED_AT, makeWorld, type World } from '../fixtures/signatures/world';
import { test, expect, openFile, ROOT } from './helpers';
import { addRegistry, gotoRegistry, hostOf, pull, push, regs } from './registry-helpers';

const SAMPLE = join(ROOT, 'public', 'sample', 'no-privileged-pods.wasm');
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const today = () => new Date().toISOString().slice(0, 10);

let w: World;
let key: Keys;
let dir: string;
test.beforeAll(() => {
  w = makeWorld();
  key = ecKeys();
  dir = mkdtempSync(join(tmpdir(), 'wasmlens-e2e-sig-'));
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(w.trustedRoot));
  writeFileSync(join(dir, 'cosign.pub'), pem('PUBLIC KEY', key.spki));
  writeFileSync(join(dir, 'root.pem'), pem('CERTIFICATE', w.root));
  writeFileSync(join(dir, 'intermediate.pem'), pem('CERTIFICATE', w.intermediate));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records the requests the page sends to the test registry from now on. */
function registryRequests(page: Page, host: string): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).host === host) seen.push(r);
  });
  return seen;
}

/** Opens the sample in a fresh page and pushes it with the app; returns the repository and manifest digest. */
async function pushWithApp(page: Page, name: string) {
  const host = hostOf(regs().noauth);
  const repo = `e2e/sig-${name}-${unique()}`;
  await page.goto('/');
  await openFile(page, SAMPLE);
  await gotoRegistry(page);
  // The push field shows a suggestion once the default registry answered; filling before that can race it.
  await expect(page.getByTestId('default-registry')).toContainText('reachable');
  const immutable = await push(page, `${host}/${repo}:v1`);
  return { host, repo, reference: `${host}/${repo}:v1`, digest: immutable.split('@')[1]! };
}

/**
 * Copies cosign's `.sig` image out of the registry with skopeo and checks each layer with openssl: the signature
 * annotation over the payload bytes, with the key or the certificate's key. Returns openssl's verdict per layer.
 */
function opensslVerdicts(host: string, repo: string, digest: string): string[] {
  const out = join(dir, `sig-${unique()}`);
  execFileSync(
    'skopeo',
    [
      'copy',
      '--src-tls-verify=false',
      `docker://${host}/${repo}:${digest.replace(':', '-')}.sig`,
      `dir:${out}`,
    ],
    { timeout: 30_000, stdio: 'pipe' },
  );
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    layers: { digest: string; annotations: Record<string, string> }[];
  };
  return manifest.layers.map((l, i) => {
    const sig = join(out, `layer${i}.sig`);
    writeFileSync(sig, Buffer.from(l.annotations['dev.cosignproject.cosign/signature']!, 'base64'));
    let pub = join(dir, 'cosign.pub');
    const cert = l.annotations['dev.sigstore.cosign/certificate'];
    if (cert) {
      const leaf = join(out, `leaf${i}.pem`);
      writeFileSync(leaf, cert);
      pub = join(out, `leaf${i}.pub`);
      writeFileSync(pub, execFileSync('openssl', ['x509', '-in', leaf, '-pubkey', '-noout']));
    }
    const r = spawnSync(
      'openssl',
      ['dgst', '-sha256', '-verify', pub, '-signature', sig, join(out, l.digest.slice(7))],
      { encoding: 'utf8' },
    );
    return (r.stdout + r.stderr).trim().split('\n')[0]!;
  });
}

async function openSettings(page: Page) {
  await page.getByText('Verification settings: key, identity, trusted root, verification config').click();
}

test('signed with a key, keyless and by a bundle referrer: verified in Inspect, Registry and Artifacts', async ({
  page,
  problems: _,
}) => {
  const p = await pushWithApp(page, 'signed');
  const base = regs().noauth.url;
  await pushCosignSignatures(base, p.repo, p.digest, [
    cosignLayer(w, { key, rekor: true, subject: p.digest, annotations: { env: 'prod' } }),
    cosignLayer(w, { subject: p.digest }),
  ]);
  const subjectBytes = await getManifest(base, p.repo, p.digest);
  const referrer = await pushBundleReferrer(
    base,
    p.repo,
    p.digest,
    w.bundle({ artifact: subjectBytes, content: 'dsse' }),
  );

  // The independent checks: both layers' signatures hold over the bytes the registry serves, the keyless
  // certificate chains to the test root at the signing time, and the fallback index lists the referrer.
  expect(opensslVerdicts(p.host, p.repo, p.digest)).toEqual(['Verified OK', 'Verified OK']);
  const leafPem = join(dir, 'leaf-e2e.pem');
  const sigTag = JSON.parse(
    execFileSync(
      'skopeo',
      [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${p.host}/${p.repo}:${p.digest.replace(':', '-')}.sig`,
      ],
      { encoding: 'utf8' },
    ),
  ) as { layers: { annotations: Record<string, string> }[] };
  writeFileSync(leafPem, sigTag.layers[1]!.annotations['dev.sigstore.cosign/certificate']!);
  expect(
    execFileSync('openssl', [
      'verify',
      '-attime',
      String(Math.floor(SIGNED_AT.getTime() / 1000)),
      '-purpose',
      'any',
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'intermediate.pem'),
      leafPem,
    ]).toString(),
  ).toContain(': OK');
  const fallback = JSON.parse(
    execFileSync(
      'skopeo',
      [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${p.host}/${p.repo}:${p.digest.replace(':', '-')}`,
      ],
      { encoding: 'utf8' },
    ),
  ) as { manifests: { digest: string }[] };
  expect(fallback.manifests.map((m) => m.digest)).toEqual([referrer]);

  // Pull with the app: Inspect shows the lookup, which ends. The shipped public-good root does not know the
  // test Rekor log, so nothing is verified yet — and the reason says so.
  const seen = registryRequests(page, p.host);
  await page.goto('/#/registry');
  await pull(page, p.reference);
  await expect(page).toHaveURL(/#\/inspect$/);
  const panel = page.getByTestId('signature-panel');
  const status = panel.getByTestId('signature-status');
  await expect(status).toContainText(
    /Signed but not verified: the Rekor bundle is from log [0-9a-f]{64}, which the trusted root does not list/,
  );
  await expect(panel).toHaveAttribute('data-state', 'not-verified');
  await expect(panel.getByTestId('signature-item')).toHaveCount(3);

  // The test instance's trusted root, picked as a file: every keyless signature verifies, with no request.
  const before = seen.length;
  await openSettings(page);
  await expect(panel.getByTestId('trusted-root')).toContainText(
    'Sigstore public-good instance, published 2026-03-18',
  );
  await panel.getByLabel('Trusted root file').setInputFiles(join(dir, 'trusted_root.json'));
  await expect(panel.getByTestId('trusted-root')).toContainText(
    `Your trusted root trusted_root.json, loaded ${today()} and kept in this browser`,
  );
  await expect(status).toHaveText(
    `✓ Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC (and 1 more)`,
  );
  const items = panel.getByTestId('signature-item');
  await expect(items.nth(0)).toContainText(
    'Not verified: signed with a key: give its public key to verify it',
  );
  await expect(items.nth(0)).toContainText('env=prod');
  await expect(items.nth(1)).toContainText('Rekor index 77');
  await expect(items.nth(2)).toContainText('Sigstore bundle referrer');

  // The public key (pasted): the key-signed layer verifies too.
  await panel
    .getByLabel('Public key (PEM), for signatures made with a key')
    .fill(pem('PUBLIC KEY', key.spki));
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(items.nth(0)).toContainText(
    /Verified: signed by the ECDSA P-256 key sha256:[0-9a-f]{16}…, logged at 2026-06-01 12:00:00 UTC/,
  );
  await expect(items.filter({ hasText: 'Not verified' })).toHaveCount(0);

  // An expected identity that is not the signer's: the keyless ones no longer count, the key one still does.
  await panel
    .getByLabel(/Expected identity/)
    .fill('https://github.com/someone-else/policy/.github/workflows/release.yml@refs/tags/v1.0.0');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(items.nth(1)).toContainText(
    `Not verified: signed by "${IDENTITY}", not the expected identity`,
  );
  await expect(status).toContainText('Verified: signed by the ECDSA P-256 key');
  await panel.getByLabel(/Expected identity/).fill('');
  await panel.getByRole('button', { name: 'Apply' }).click();
  expect(seen.length).toBe(before);

  // A verification config decides as policy-server would: the .sig tag only.
  const config = panel.getByLabel('Verification config (verification-config.yml)');
  const decision = panel.getByTestId('policy-decision');
  await config.fill(`apiVersion: v1
allOf:
  - kind: githubAction
    owner: kubewarden
anyOf:
  minimumMatches: 2
  signatures:
    - kind: pubKey
      key: |
        ${pem('PUBLIC KEY', key.spki).trim().split('\n').join('\n        ')}
    - kind: genericIssuer
      issuer: ${ISSUER}
      subject:
        urlPrefix: https://github.com/kubewarden/
`);
  await panel.getByRole('button', { name: 'Use this config' }).click();
  await expect(decision).toHaveAttribute('data-accepted', 'true');
  await expect(decision).toContainText('policy-server would accept this policy');
  await expect(decision).toContainText('Policy successfully verified');
  await expect(decision.getByRole('listitem')).toHaveCount(3);
  await expect(panel).toContainText('the decision leaves out 1 Sigstore bundle referrer(s)');
  // Everything on the panel is labelled and readable, in both themes (axe-core, serious and critical only).
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations, passes } = await new AxeBuilder({ page })
      .include('[data-testid="signature-panel"]')
      .analyze();
    expect(passes.length).toBeGreaterThan(5);
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${scheme}: ${v.id}`),
    ).toEqual([]);
  }
  await config.fill(`apiVersion: v1
allOf:
  - kind: githubAction
    owner: someone-else
`);
  await panel.getByRole('button', { name: 'Use this config' }).click();
  await expect(decision).toHaveAttribute('data-accepted', 'false');
  await expect(decision).toContainText(
    'Image verification failed: missing signatures; the following constraints were not satisfied: allOf[0]',
  );
  await expect(decision.getByRole('listitem')).toContainText('allOf[0] githubAction someone-else: failed');
  // An unknown field is refused, as policy-fetcher's serde types (deny_unknown_fields) refuse it.
  await config.fill(
    'apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: kubewarden\n    colour: blue\n',
  );
  await panel.getByRole('button', { name: 'Use this config' }).click();
  await expect(panel.getByRole('list', { name: 'Verification config problems' })).toContainText(
    'line 5, column 5: ',
  );
  await expect(decision).toHaveAttribute('data-accepted', 'false');
  expect(seen.length).toBe(before);

  // The Registry view and the Artifacts view show the same result: cached for the page, no signature request.
  const signatureRequests = () =>
    seen.filter((r) => new URL(r.url()).pathname.includes('/manifests/sha256-'));
  const lookups = signatureRequests().length;
  expect(lookups).toBe(2); // the .sig tag and the referrers fallback tag, once
  await gotoRegistry(page);
  await expect(page.getByTestId('signature-panel').getByTestId('signature-status')).toContainText(
    `Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC (and 2 more)`,
  );
  await page.goto(`/#/ref/${p.host}/${p.repo}@${p.digest}`);
  await expect(page.getByTestId('artifact-kind')).toBeVisible();
  const artifactPanel = page.getByTestId('signature-panel');
  // The badge among the facts says the same in a word (and the whole line for screen readers).
  const badge = page.getByTestId('signature-badge');
  await expect(badge).toHaveAttribute('data-state', 'verified');
  await expect(badge).toContainText(`Verified: signed by ${IDENTITY}`);
  await expect(artifactPanel.getByTestId('signature-status')).toContainText(
    `Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC (and 2 more)`,
  );
  await expect(artifactPanel.getByTestId('signature-item')).toHaveCount(3);
  expect(signatureRequests()).toHaveLength(lookups);
  // "Check again" looks them up anew.
  await artifactPanel.getByRole('button', { name: 'Check signatures again' }).click();
  await expect(artifactPanel.getByTestId('signature-status')).toContainText(
    `Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC (and 2 more)`,
  );
  expect(signatureRequests()).toHaveLength(2 * lookups);
});

test('a tampered signature fails with the reason, as openssl says; an unsigned policy says so', async ({
  page,
  problems: _,
}) => {
  const p = await pushWithApp(page, 'tampered');
  await pushCosignSignatures(regs().noauth.url, p.repo, p.digest, [
    cosignLayer(w, { key, subject: p.digest, tamperPayload: true }),
  ]);
  expect(opensslVerdicts(p.host, p.repo, p.digest)).toEqual(['Verification failure']);

  await page.goto('/#/registry');
  await pull(page, p.reference);
  const panel = page.getByTestId('signature-panel');
  await expect(panel.getByTestId('signature-status')).toContainText(
    'Signed but not verified: signed with a key: give its public key to verify it',
  );
  await openSettings(page);
  await panel
    .getByLabel('Public key (PEM), for signatures made with a key')
    .fill(readFileSync(join(dir, 'cosign.pub'), 'utf8'));
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByTestId('signature-status')).toContainText(
    /Signed but not verified: the signature does not verify with the given ECDSA P-256 key sha256:[0-9a-f]{16}…/,
  );
  await expect(panel).toHaveAttribute('data-state', 'not-verified');

  // A policy with nothing attached.
  const u = await pushWithApp(page, 'unsigned');
  await pull(page, u.reference);
  await expect(page.getByTestId('signature-status')).toContainText('Unsigned: No sigstore signatures found');
});

test('the trusted root stays across reloads, a bad one is refused, and "Clear all local data" removes it', async ({
  page,
  problems: _,
}) => {
  const p = await pushWithApp(page, 'root');
  await pushCosignSignatures(regs().noauth.url, p.repo, p.digest, [cosignLayer(w, { subject: p.digest })]);
  await page.goto(`/#/ref/${p.host}/${p.repo}@${p.digest}`);
  const panel = page.getByTestId('signature-panel');
  await openSettings(page);
  const rootText = panel.getByLabel(/Trusted root JSON/);
  await rootText.fill('{"mediaType": "application/json", "tlogs": 3}');
  await panel.getByRole('button', { name: 'Use this trusted root' }).click();
  const problems = panel.getByRole('list', { name: 'Trusted root problems' });
  await expect(problems).toContainText('is not a Sigstore trusted root media type');
  await expect(problems).toContainText('tlogs is not an array');
  await rootText.fill(JSON.stringify(w.trustedRoot));
  await panel.getByRole('button', { name: 'Use this trusted root' }).click();
  await expect(panel.getByTestId('trusted-root')).toContainText('Your trusted root pasted');

  await page.reload();
  await page
    .getByTestId('signature-panel')
    .getByRole('button', { name: 'Check signatures', exact: true })
    .click();
  await expect(page.getByTestId('signature-status')).toContainText(`Verified: signed by ${IDENTITY}`);

  await page.getByRole('button', { name: 'Local data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Local data' });
  await expect(dialog.getByTestId('local-databases')).toContainText('wasmlens-trusted-root');
  await dialog.getByRole('button', { name: 'Clear all local data' }).click();
  await dialog.getByRole('button', { name: 'Yes, clear everything' }).click();
  await expect(dialog.getByRole('status')).toContainText('your trusted root');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // Back to the shipped root at once, and the result is verified again with it.
  await expect(page.getByTestId('signature-status')).toContainText('Signed but not verified');
  await openSettings(page);
  await expect(page.getByTestId('trusted-root')).toContainText('Sigstore public-good instance');
});

test('a lookup the registry refuses is an explained failure, and signing in from it checks again', async ({
  page,
  problems: _,
}) => {
  const reg = regs().htpasswd;
  const host = hostOf(reg);
  await page.goto('/');
  await openFile(page, SAMPLE);
  await gotoRegistry(page);
  await addRegistry(page, { host, username: reg.username, password: reg.password });
  await expect(page.getByTestId('default-registry')).toContainText('reachable');
  const reference = `${host}/e2e/sig-private-${unique()}:v1`;
  await push(page, reference);
  await pull(page, reference);
  const status = page.getByTestId('signature-status');
  await expect(status).toContainText('Unsigned: No sigstore signatures found');

  // Without the credentials the registry answers 401: not "unsigned", but why the lookup failed and the fix.
  await gotoRegistry(page);
  await page.getByRole('button', { name: `Forget ${host}` }).click();
  await page.getByRole('button', { name: 'Check signatures again' }).click();
  await expect(status).toHaveText(/Lookup failed: Wrong or missing credentials/);
  await expect(page.getByTestId('signature-panel')).toHaveAttribute('data-state', 'failed');
  const signIn = page.getByRole('form', { name: `Sign in to ${host}` });
  await signIn.getByLabel('Username').fill(reg.username!);
  await signIn.getByLabel('Password or token').fill(reg.password!);
  await signIn.getByRole('button', { name: 'Sign in and retry' }).click();
  await expect(status).toContainText('Unsigned: No sigstore signatures found');
});
