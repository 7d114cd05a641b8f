// Evaluate like `kwctl run`: a dropped kwctl session replayed with its audit annotations and the raw response, a
// raw policy, a Gatekeeper policy with an inventory, the guard rails, and `kwctl bench`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, openFile, corpusPath, FIXTURES } from './helpers';
import { annotate, metadataFromYaml } from '../../src/lib/kubewarden';

const KWCTL = join(FIXTURES, 'kwctl');
const DIGEST = 'sha256:7edf5efe6b86dbf01ccc3c76b32a37a8e23b84e6bad81ce8ae8c221fa456fda8';

/** A fixture module annotated by the library, written to a temporary folder under `name`. */
function annotated(fixture: string, name: string, metadataYaml: string): string {
  const { metadata } = metadataFromYaml(metadataYaml);
  const bytes = annotate(new Uint8Array(readFileSync(join(FIXTURES, fixture))), metadata);
  const path = join(mkdtempSync(join(tmpdir(), 'wasmlens-kwctl-')), name);
  writeFileSync(path, bytes);
  return path;
}

async function openEvaluate(page: Page, path: string) {
  await page.goto('/');
  await openFile(page, path);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate' })).toBeVisible();
}

async function dropFile(page: Page, target: string, name: string, text: string) {
  const transfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: 'text/yaml' }));
      return dt;
    },
    [name, text],
  );
  const zone = page.getByRole('group', { name: target });
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

async function run(page: Page) {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 30_000 });
  return page.getByTestId('verdict');
}

test.describe('with the corpus', () => {
  const javy = corpusPath('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm');
  test.skip(!javy, 'WASMLENS_CORPUS is not set');

  test('a dropped kwctl session is replayed: audit annotations, the raw response, copy, and the session download', async ({
    page,
    context,
    problems: _,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openEvaluate(page, javy!);
    await expect(page.getByTestId('evaluate-file')).toHaveText(
      'Running kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm',
    );
    // kubewarden/policy-sdk-js demo_policy/e2e.bats: "should return valid digest for busybox:1.36".
    await page
      .getByLabel('Request (AdmissionReview, JSON or YAML)')
      .fill(readFileSync(join(KWCTL, 'requests/sdk-js-no_privileged_containers.json'), 'utf8'));
    await page.getByLabel('Settings (JSON or YAML)').fill('{"testScenario": "oci-manifest-digest-success"}');
    const sessionName = 'sdk-js-oci-manifest-digest-lookup-success.yml';
    await dropFile(
      page,
      'Drop a kwctl session file here',
      sessionName,
      readFileSync(join(KWCTL, 'sessions', sessionName), 'utf8'),
    );
    await expect(page.getByTestId('session-file')).toContainText(`Replaying ${sessionName} in order`);
    await expect(page.getByLabel('Fixtures (JSON) or a kwctl session (YAML)')).toHaveValue(
      /!OciManifestDigest/,
    );

    await expect(await run(page)).toHaveText('Accepted');
    const annotations = page.getByRole('table', { name: 'Audit annotations' });
    await expect(annotations.getByRole('row', { name: /digest/ })).toContainText(DIGEST);
    const response = page.getByLabel('Response (as kwctl run prints it)');
    const line = await response.innerText();
    expect(JSON.parse(line)).toEqual({
      uid: '1299d386-525b-4032-98ae-1949f69f9cfc',
      allowed: true,
      auditAnnotations: { digest: DIGEST },
      warnings: null,
    });
    await page.getByRole('button', { name: 'Copy the response JSON' }).click();
    await expect(page.getByText('Copied', { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
    await expect(page.getByRole('list', { name: 'Host calls' })).toContainText(
      'oci/v1/manifest_digest (exchange 1)',
    );

    // The new parts of the panel (response, annotations, host calls) pass axe like the rest of the view.
    const axe = await new AxeBuilder({ page })
      .include('section[aria-labelledby="evaluate-heading"]')
      .analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the session (kwctl replay file)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('kw-javy-js-sdk-demo-annotated-kwctl1.25.0-session.yml');
    const saved = readFileSync((await file.path())!, 'utf8');
    expect(saved).toContain('!OciManifestDigest\n    image: docker.io/library/busybox:1.36\n');
    expect(saved).toContain(DIGEST);
  });

  test('an exchange the policy does not ask for is reported by name', async ({ page, problems: _ }) => {
    await openEvaluate(page, javy!);
    await page.getByLabel('Settings (JSON or YAML)').fill('{"testScenario": "oci-manifest-failure"}');
    await page
      .getByLabel('Fixtures (JSON) or a kwctl session (YAML)')
      .fill(readFileSync(join(KWCTL, 'sessions/sdk-js-oci-manifest-lookup-failure.yml'), 'utf8'));
    await expect(await run(page)).toHaveText('Rejected: wrong invocation');
    await expect(page.getByRole('list', { name: 'Host calls' })).toContainText(
      'Replay error: unexpected request. Exchange 1 was expecting OciManifest { image: "registry.testing.lan/nonexistent-image:1.0.0" }',
    );
  });
});

test('a raw policy gets the raw JSON document wrapped as kwctl wraps it', async ({ page, problems: _ }) => {
  const path = annotated(
    'raw-echo-guest.wasm',
    'raw-echo-guest.wasm',
    'rules: []\nmutating: true\nexecutionMode: kubewarden-wapc\npolicyType: raw\nannotations:\n  io.kubewarden.policy.title: raw-echo\n',
  );
  await openEvaluate(page, path);
  await expect(page.getByLabel('Policy type')).toHaveValue('raw');
  const doc = { uid: 'raw-1', user: 'tonio', action: 'eats', resource: 'hay' };
  await page.getByLabel('Request (raw JSON document, JSON or YAML)').fill(JSON.stringify(doc));
  await page.getByLabel('Settings (JSON or YAML)').fill('validUsers: [tonio]');
  await expect(await run(page)).toHaveText('Accepted');
  // The echo guest returns its whole payload as the mutated object.
  expect(JSON.parse(await page.getByLabel('Mutated object').innerText())).toEqual({
    request: doc,
    settings: { validUsers: ['tonio'] },
  });
  const response = JSON.parse(await page.getByLabel('Response (as kwctl run prints it)').innerText());
  expect(response).toMatchObject({ uid: 'raw-1', allowed: true, patchType: 'JSONPatch' });
});

test('a Gatekeeper policy sees data.inventory built from the resources provided', async ({
  page,
  problems: _,
}) => {
  const path = annotated(
    'rego-data-echo.wasm',
    'rego-data-echo.wasm',
    [
      'rules:',
      '  - apiGroups: [""]',
      '    apiVersions: ["v1"]',
      '    resources: ["pods"]',
      '    operations: ["CREATE"]',
      'mutating: false',
      'executionMode: gatekeeper',
      'contextAwareResources:',
      '  - apiVersion: v1',
      '    kind: Namespace',
      'annotations:',
      '  io.kubewarden.policy.title: rego-data-echo',
      '',
    ].join('\n'),
  );
  await openEvaluate(page, path);
  await expect(page.getByLabel('Execution mode')).toHaveValue('gatekeeper');
  await expect(page.getByTestId('context-aware')).toContainText('v1/Namespace');
  const resources = [
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels: {env: prod}\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: team-a\n',
  ].join('---\n');
  await dropFile(page, 'Drop Kubernetes resources here', 'cluster.yaml', resources);
  await expect(page.getByLabel('Kubernetes resources (YAML or JSON)')).toHaveValue(/name: team-a/);
  const verdict = await run(page);
  const message = (await verdict.innerText()).replace(/^Rejected: /, '');
  expect(JSON.parse(message)).toEqual({
    inventory: {
      cluster: {
        v1: {
          Namespace: {
            'team-a': {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: 'team-a', labels: { env: 'prod' } },
            },
          },
        },
      },
      namespace: {},
    },
  });
  // The ConfigMap is not a type the policy may read: it is left out, and the panel says so.
  await expect(page.getByTestId('evaluate-warnings')).toContainText(
    '1 of the Kubernetes resources (v1/ConfigMap)',
  );
  // Without --allow-context-aware the policy sees no inventory.
  await page.getByLabel('Allow context-aware access (kwctl --allow-context-aware)').uncheck();
  await expect(await run(page)).toHaveText('Rejected: {}');
  await expect(page.getByTestId('evaluate-warnings')).toContainText('access is denied');
});

test('guard rails: a request the rules would never send is flagged; bench shows kwctl bench statistics', async ({
  page,
  problems: _,
}) => {
  const path = annotated(
    'mutating-guest.wasm',
    'mutating-guest.wasm',
    'rules:\n  - apiGroups: [""]\n    apiVersions: ["v1"]\n    resources: ["pods"]\n    operations: ["CREATE"]\nmutating: true\nexecutionMode: kubewarden-wapc\nannotations:\n  io.kubewarden.policy.title: m\n',
  );
  await openEvaluate(page, path);
  await page.getByLabel('Request template').selectOption({ label: 'Create a Deployment' });
  await page.getByRole('button', { name: 'Load template' }).click();
  await run(page);
  await expect(page.getByTestId('evaluate-warnings')).toContainText(
    "A cluster would never send this request to the policy: it is CREATE apps/v1 deployments, and the policy's rules cover CREATE of core/v1 pods.",
  );
  await page.getByLabel('Request template').selectOption({ label: 'Create a Pod' });
  await page.getByRole('button', { name: 'Load template' }).click();
  await run(page);
  await expect(page.getByTestId('evaluate-warnings')).toHaveCount(0);

  await page.getByLabel('Runs').fill('20');
  await page.getByRole('button', { name: 'Bench', exact: true }).click();
  const table = page.getByRole('table', { name: 'Bench results' });
  await expect(table).toBeVisible({ timeout: 30_000 });
  for (const call of ['validate_settings', 'validate']) {
    const row = table.getByRole('row', { name: new RegExp(`^${call} `) });
    await expect(row.getByRole('cell').first()).toHaveText('20');
  }
  await expect(table.getByRole('columnheader')).toHaveText([
    'call',
    'runs',
    'mean',
    'median',
    'std dev',
    'p99',
    'min',
    'max',
  ]);
});

test('a component gets a plain message instead of a compile error', async ({ page, problems: _ }) => {
  const component = corpusPath('component-adder-jco-fixture.wasm');
  test.skip(!component, 'WASMLENS_CORPUS is not set');
  await openEvaluate(page, component!);
  await expect(page.getByTestId('evaluate-component')).toHaveText(
    'Components cannot be evaluated yet: this is a WebAssembly component (layer 0x0d)',
  );
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
});
