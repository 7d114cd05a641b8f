// E2E: the Annotate view as a user drives it: import, kwctl's errors beside their fields, fix, download, drafts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, openFile, corpusPath, customSection, writeModule, FIXTURES } from './helpers';
import AxeBuilder from '@axe-core/playwright';
import { annotate, metadataFromYaml } from '../../src/lib/kubewarden';

const REGO = 'kw-opa-rego-no-default-namespace-unannotated.wasm';

/** The WAT-built sample guest annotated with its metadata.yml and usage by the library, in a temporary folder. */
function annotatedSample(): string {
  const { metadata } = metadataFromYaml(
    readFileSync(join(FIXTURES, 'no-privileged-pods.metadata.yml'), 'utf8'),
    {
      usage: readFileSync(join(FIXTURES, 'no-privileged-pods.usage.md'), 'utf8'),
    },
  );
  const bytes = annotate(new Uint8Array(readFileSync(join(FIXTURES, 'no-privileged-pods.wasm'))), metadata);
  const path = join(mkdtempSync(join(tmpdir(), 'wasmlens-annotate-')), 'no-privileged-pods.wasm');
  writeFileSync(path, bytes);
  return path;
}
const SAMPLE = annotatedSample();

const WRONG_MODE_YAML = `rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["namespaces"]
    operations: ["CREATE", "UPDATE"]
mutating: false
executionMode: kubewarden-wapc
annotations:
  io.kubewarden.policy.title: no-default-namespace
  io.kubewarden.policy.description: Rejects objects in the default namespace
  io.kubewarden.policy.version: 1.10
`;

async function pickText(page: Page, button: string, name: string, text: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button }).click();
  await (await chooser).setFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

/** The messages a control points to with aria-describedby. */
async function description(page: Page, control: Locator) {
  const id = await control.getAttribute('aria-describedby');
  return id ? page.locator(`#${id}`).innerText() : '';
}

test.describe('Rego policy from the corpus', () => {
  test.skip(!corpusPath(REGO), 'WASMLENS_CORPUS is not set or lacks the Rego policy');

  test('import with the wrong mode, see kwctl error, fix, download, reopen and inspect', async ({
    page,
    problems: _,
  }, info) => {
    const path = corpusPath(REGO)!;
    const original = readFileSync(path);
    await page.goto('/#/inspect');
    await openFile(page, path);
    await expect(page.getByText('No Kubewarden metadata found.')).toBeVisible();
    await page.getByRole('button', { name: 'Annotate' }).click();
    await expect(page.getByRole('heading', { name: `Annotate ${REGO}` })).toBeVisible();
    // Defaults guess the mode from the opa_ exports.
    await expect(page.getByLabel('Execution mode')).toHaveValue('opa');

    await pickText(page, 'Import metadata.yml', 'metadata.yml', WRONG_MODE_YAML);
    await expect(page.getByRole('status').filter({ hasText: 'Imported metadata.yml' })).toBeVisible();
    const mode = page.getByLabel('Execution mode');
    await expect(mode).toHaveValue('kubewarden-wapc');
    await expect(mode).toHaveAttribute('aria-invalid', 'true');
    expect(await description(page, mode)).toContain(
      "Wrong value inside of policy's metadata for 'executionMode'. This policy has been created using Rego",
    );
    // Scalars stay strings: 1.10 is not the number 1.1.
    await expect(page.getByLabel('Version io.kubewarden.policy.version')).toHaveValue('1.10');
    const download = page.getByRole('button', { name: 'Download annotated .wasm' });
    await expect(download).toBeDisabled();
    await expect(page.locator('#annotate-blocked')).toContainText('Fix the error');

    await mode.selectOption('opa');
    await expect(mode).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('annotate-valid')).toBeVisible();
    await expect(download).toBeEnabled();

    const pending = page.waitForEvent('download');
    await download.click();
    const file = await pending;
    expect(file.suggestedFilename()).toBe('kw-opa-rego-no-default-namespace-unannotated-annotated.wasm');
    const saved = info.outputPath('annotated.wasm');
    await file.saveAs(saved);
    const bytes = readFileSync(saved);
    // Spec §10.1 and the corpus README: one section appended at 117,551, nothing before it changed.
    expect(original.length).toBe(117_551);
    expect(bytes.subarray(0, original.length).equals(original)).toBe(true);
    const tail = bytes.subarray(original.length).toString('utf8');
    expect(tail).toContain('io.kubewarden.metadata');
    expect(tail).toContain('"executionMode":"opa"');
    expect(tail).toContain('"protocolVersion":"Unknown"');
    expect(tail).toContain('"io.kubewarden.policy.version":"1.10"');
    await expect(page.getByRole('status').filter({ hasText: 'Its sha256 is' })).toBeVisible();

    // Stripping lives in Explorer now, so what the page promises here is true: only the metadata changes.
    await expect(page.getByLabel('Strip debug info')).toHaveCount(0);
    await expect(
      page.getByText('Only the metadata section changes; every other byte is kept.'),
    ).toBeVisible();

    await openFile(page, saved);
    await page.getByRole('link', { name: 'Inspect' }).click();
    await expect(page.getByRole('heading', { name: 'Inspect annotated.wasm' })).toBeVisible();
    const details = page.getByTestId('inspect-details');
    await expect(details.getByRole('row', { name: 'title: no-default-namespace' })).toBeVisible();
    await expect(details.getByRole('row', { name: 'execution mode: opa' })).toBeVisible();
    await expect(details.getByRole('row', { name: /protocol version/ })).toHaveCount(0);
    await expect(page.getByTestId('inspect-rules')).toContainText('namespaces');
    await expect(page.getByTestId('inspect-annotations').getByRole('row')).toHaveCount(1);
  });
});

test('a reload in the middle of editing gets the draft back; Discard draft clears it', async ({
  page,
  context,
  problems: _,
}) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  const title = page.getByLabel('Title io.kubewarden.policy.title');
  await expect(title).toHaveValue('no-privileged-pods');
  // Editing and saving the draft need no network.
  await context.setOffline(true);
  await title.fill('edited-title');
  await page.getByLabel('Usage (markdown) io.kubewarden.policy.usage').fill('# Edited usage');
  await expect(page.getByText('Draft saved in this browser.')).toBeVisible();
  await context.setOffline(false);

  await page.reload();
  await openFile(page, SAMPLE);
  await expect(page.getByText(/^Draft restored/)).toBeVisible();
  await expect(title).toHaveValue('edited-title');
  await expect(page.getByRole('region', { name: 'Usage preview' }).getByRole('heading')).toHaveText(
    'Edited usage',
  );

  await page.getByRole('button', { name: 'Discard draft' }).click();
  await expect(title).toHaveValue('no-privileged-pods');
  await expect(page.getByText(/^Draft restored/)).toHaveCount(0);
  await page.reload();
  await openFile(page, SAMPLE);
  await expect(title).toHaveValue('no-privileged-pods');
  await expect(page.getByText(/^Draft restored/)).toHaveCount(0);
});

test('validation runs as you type and names the field', async ({ page, problems: _ }) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  const minimum = page.getByLabel('Minimum Kubewarden version');
  const download = page.getByRole('button', { name: 'Download annotated .wasm' });
  await expect(download).toBeEnabled();
  await minimum.fill('v1.2');
  await expect(minimum).toHaveAttribute('aria-invalid', 'true');
  expect(await description(page, minimum)).toContain("Invalid minimumKubewardenVersion 'v1.2'");
  await expect(download).toBeDisabled();
  await minimum.fill('1.2.0');
  await expect(minimum).not.toHaveAttribute('aria-invalid', 'true');

  const rule = page.getByRole('group', { name: 'Rule 1' });
  const resources = rule.getByLabel('Resources');
  await resources.fill('*, pods');
  await expect(resources).toHaveAttribute('aria-invalid', 'true');
  await expect(download).toBeDisabled();
  await resources.fill('pods');
  await expect(resources).not.toHaveAttribute('aria-invalid', 'true');
  await rule.getByLabel('DELETE').check();
  await expect(download).toBeEnabled();
});

test('issues name the field as the form does and focus it; a reserved key row says what happens', async ({
  page,
  problems: _,
}) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  const rule = page.getByRole('group', { name: 'Rule 1' });
  const groups = rule.getByLabel('API groups');
  await groups.fill('*, apps');
  const issues = page.getByTestId('annotate-issues');
  // kwctl's message, prefixed with the field as the form names it, counted from 1.
  const link = issues.getByRole('link', { name: 'Rule 1 › API groups' });
  await expect(link).toBeVisible();
  await expect(issues).toContainText(
    "Rule 1 › API groups: No other elements can be defined when '*' is used",
  );
  await link.click();
  await expect(groups).toBeFocused();
  await groups.fill('""');

  await page.getByRole('button', { name: 'Add annotation' }).click();
  const rows = page.getByRole('textbox', { name: /^Annotation \d+ key$/ });
  const key = rows.last();
  await key.fill('io.kubewarden.policy.title');
  const message = 'io.kubewarden.policy.title is set by the Title field: this row is not written.';
  expect(await description(page, key)).toContain(message);
  await expect(issues.getByRole('link', { name: /^Annotation \d+$/ })).toBeVisible();
});

test('a metadata.yml with several mistakes lists them all, each with its line', async ({
  page,
  problems: _,
}) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  await pickText(
    page,
    'Import metadata.yml',
    'metadata.yml',
    'executionMode: wapc\nrules:\nmutating: ok\ncontextAwareResources: ~\n',
  );
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('(3 problems)');
  const items = alert.getByRole('listitem');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('Line 1: executionMode: unknown variant `wapc`');
  await expect(items.nth(1)).toContainText('Line 3: mutating: invalid type: string "ok", expected a boolean');
  await expect(items.nth(2)).toContainText('Line 4: contextAwareResources: invalid type: unit value');
});

test('a README dropped on the import panel becomes the usage, without replacing the open module', async ({
  page,
  problems: _,
}) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  const transfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    const text = '# Dropped usage\n\nSee [the docs](https://example.org/docs).\n';
    dt.items.add(new File([text], 'README.md', { type: 'text/markdown' }));
    return dt;
  });
  const panel = page.getByRole('region', { name: 'Import' });
  await panel.dispatchEvent('dragenter', { dataTransfer: transfer });
  await panel.dispatchEvent('dragover', { dataTransfer: transfer });
  await panel.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByLabel('Usage (markdown) io.kubewarden.policy.usage')).toHaveValue(/# Dropped usage/);
  const preview = page.getByRole('region', { name: 'Usage preview' });
  await expect(preview.getByRole('heading', { name: 'Dropped usage' })).toBeVisible();
  await expect(preview.getByRole('link', { name: 'the docs' })).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(page.getByRole('heading', { name: 'Annotate no-privileged-pods.wasm' })).toBeVisible();
  await expect(page.getByTestId('open-error')).toHaveCount(0);
  // The app-wide "drop to open" overlay does not stay behind.
  await expect(page.getByText('Drop the file to open it.')).toHaveCount(0);
});

test('metadata.yml, artifacthub-pkg.yml and the manifest download; Use annotated module opens it', async ({
  page,
  problems: _,
}, info) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  await expect(page.getByLabel('Title io.kubewarden.policy.title')).toHaveValue('no-privileged-pods');
  const read = async (button: string) => {
    const pending = page.waitForEvent('download');
    await page.getByRole('button', { name: button, exact: true }).click();
    const file = await pending;
    const to = info.outputPath(file.suggestedFilename());
    await file.saveAs(to);
    return { name: file.suggestedFilename(), text: readFileSync(to, 'utf8') };
  };
  const yml = await read('Download metadata.yml');
  expect(yml.name).toBe('metadata.yml');
  expect(yml.text).toContain('io.kubewarden.policy.title: no-privileged-pods');
  const hub = await read('Download artifacthub-pkg.yml');
  expect(hub.text).toMatch(/^# Kubewarden Artifacthub Package config/);
  expect(hub.text).toContain('version: 0.1.0');
  const manifest = await read('Download ClusterAdmissionPolicy');
  expect(manifest.text).toContain('kind: ClusterAdmissionPolicy');
  expect(manifest.text).toContain('name: no-privileged-pods');
  await page.getByLabel('Kind').selectOption('AdmissionPolicy');
  expect((await read('Download AdmissionPolicy')).text).toContain('kind: AdmissionPolicy');

  await page.getByLabel('Title io.kubewarden.policy.title').fill('used-title');
  await page.getByRole('button', { name: 'Use annotated module' }).click();
  await expect(
    page.getByRole('heading', { name: 'Inspect no-privileged-pods-annotated.wasm' }),
  ).toBeVisible();
  await expect(
    page.getByTestId('inspect-details').getByRole('row', { name: 'title: used-title' }),
  ).toBeVisible();
  // Annotate asked the module itself (protocol_version answered "v1"), as kwctl does.
  await expect(
    page.getByTestId('inspect-details').getByRole('row', { name: 'protocol version: 1' }),
  ).toBeVisible();
});

test('Annotate and Inspect have no axe-core violations', async ({ page, problems: _ }) => {
  await page.goto('/#/annotate');
  await openFile(page, SAMPLE);
  await page.getByLabel('Minimum Kubewarden version').fill('v1');
  await expect(page.getByLabel('Minimum Kubewarden version')).toHaveAttribute('aria-invalid', 'true');
  const scan = () => new AxeBuilder({ page }).include('main').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect((await scan()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual(
    [],
  );
  await page.getByRole('link', { name: 'Inspect' }).click();
  await expect(page.getByTestId('inspect-details')).toBeVisible();
  expect((await scan()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual(
    [],
  );
});

test.describe('the form is lossless: saving unchanged metadata gives the corpus README rewrite bytes', () => {
  const CASES: [string, string][] = [
    [
      'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm',
      '3e8f13348496ad441d0558ca2154d91d64ea3635bd1fc19f91c999092429c099',
    ],
    [
      'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm',
      '6a506afb2df74fae6b18837bfcf765a7552cee309e633eccbe791ac781e02c80',
    ],
    [
      'kw-opa-rego-container-limits-annotated-regorodeo.wasm',
      '6a31347e46e67e0b67b01420b64e07fccf6633c3d19a4b71871aacdaf3b01d17',
    ],
    [
      'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm',
      'ad977f9949e126bd12bdc4ec3c8f23187c0360c3cf0020fe0cb1e75200060c3b',
    ],
  ];
  for (const [name, sha256] of CASES) {
    test(name, async ({ page, problems: _ }, info) => {
      const path = corpusPath(name);
      test.skip(!path, 'WASMLENS_CORPUS is not set');
      await page.goto('/#/annotate');
      await openFile(page, path!);
      await expect(page.getByText('Starting from the metadata in the file.')).toBeVisible();
      const pending = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download annotated .wasm' }).click();
      const saved = info.outputPath('out.wasm');
      await (await pending).saveAs(saved);
      expect(createHash('sha256').update(readFileSync(saved)).digest('hex')).toBe(sha256);
    });
  }
});

test('unreadable metadata: Annotate says what is wrong and where, and starts from defaults', async ({
  page,
  problems: _,
}) => {
  const path = writeModule('broken-meta.wasm', customSection('io.kubewarden.metadata', '{"rules": ['));
  await page.goto('/#/annotate');
  await openFile(page, path);
  const problem = page.getByTestId('annotate-read-problem');
  // The section starts where minimal.wasm ends; its declared size is 1 (name length) + 22 (name) + 11 (JSON).
  const offset = readFileSync(join(FIXTURES, 'minimal.wasm')).length;
  await expect(problem).toContainText(
    `io.kubewarden.metadata section at offset ${offset.toLocaleString('en-US')} (34 bytes) could not be read`,
  );
  await expect(problem.getByTestId('failure')).toContainText('Error parsing policy metadata');
  await expect(
    page.getByText('The metadata in the file cannot be read (below): starting from defaults.'),
  ).toBeVisible();
  await expect(page.getByText('No metadata in the file')).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Metadata' })).toBeVisible();
});

test('a component gets one line in Annotate instead of the form', async ({ page, problems: _ }) => {
  const component = corpusPath('component-adder-jco-fixture.wasm');
  test.skip(!component, 'WASMLENS_CORPUS is not set');
  await page.goto('/#/annotate');
  await openFile(page, component!);
  await expect(page.getByTestId('annotate-component')).toHaveText(
    'This is a WebAssembly component: Kubewarden metadata lives only in core modules, so it cannot be annotated.',
  );
  await expect(page.getByRole('form', { name: 'Metadata' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Download annotated .wasm' })).toHaveCount(0);
});
