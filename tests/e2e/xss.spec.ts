// E2E: hostile metadata (usage, annotations, rules, context-aware resources) renders inert in Inspect and Annotate.
// Every payload would set window.__pwned or open a dialog if it ran; the page fixture also fails on CSP reports,
// so a handler that slipped through the sanitiser and was only stopped by the CSP still fails the test.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openFile, FIXTURES } from './helpers';
import { annotate, emptyMetadata, type Metadata } from '../../src/lib/kubewarden';

const USAGE = `# Usage

<script>window.__pwned = 'script'</script>
<img src=x onerror="window.__pwned='img'">
<svg onload="window.__pwned='svg'"><script>window.__pwned='svg-script'</script></svg>
<svg><animate onbegin="window.__pwned='animate'" attributeName="x" dur="1ms"/></svg>
<svg><a xlink:href="javascript:window.__pwned='svg-link'"><text y="20">svg link</text></a></svg>

[click me](javascript:window.__pwned='md-link')
<a href="javascript:window.__pwned='raw-link'">raw link</a>
<a href="  JaVaScRiPt:window.__pwned='case-link'">case link</a>
<a href="data:text/html,<script>alert('data')</script>">data link</a>
<a href="#/registry">hash link</a>
[safe](https://example.org/docs)

![tracker](https://example.org/pixel.png)
![inline](data:image/svg+xml,<svg onload="alert(1)">)

<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>
<object data="javascript:window.__pwned='object'"></object>
<embed src="javascript:window.__pwned='embed'">
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'">
<details open ontoggle="window.__pwned='details'">toggle</details>
<form action="javascript:window.__pwned='form'"><button>go</button></form>
<div style="background:url(javascript:window.__pwned='style')">styled</div>
<p id="app">clobber</p>
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'">
`;

const IMG = `<img src=x onerror="window.__pwned='title'">`;

function hostileModule(): string {
  const m: Metadata = {
    ...emptyMetadata('wasi'),
    rules: [
      {
        apiGroups: ['<svg onload="window.__pwned=\'group\'">'],
        apiVersions: ['v1'],
        resources: ['<script>window.__pwned="rule"</script>'],
        operations: ['CREATE'],
      },
    ],
    annotations: {
      'io.kubewarden.policy.title': IMG,
      'io.kubewarden.policy.description': `<a href="javascript:window.__pwned='desc'">desc</a>`,
      'io.kubewarden.policy.url': `javascript:window.__pwned='url'`,
      'io.kubewarden.policy.usage': USAGE,
      '<svg onload="window.__pwned=\'key\'">': `<script>window.__pwned='value'</script>`,
    },
    contextAwareResources: [{ apiVersion: 'v1', kind: `<iframe src="javascript:window.__pwned='kind'">` }],
  };
  const bytes = annotate(new Uint8Array(readFileSync(join(FIXTURES, 'minimal.wasm'))), m);
  const path = join(mkdtempSync(join(tmpdir(), 'wasmlens-xss-')), 'hostile.wasm');
  writeFileSync(path, bytes);
  return path;
}

/** No active element anywhere under `root`, and links only to http(s) with a safe rel. */
async function expectInert(page: Page, root: string) {
  const found = await page.evaluate((sel) => {
    const scope = document.querySelector(sel);
    if (!scope) return { missing: true, active: [], links: [] };
    const active = Array.from(
      scope.querySelectorAll(
        'script, iframe, object, embed, form, svg, math, style, meta, img, [onerror], [onload], [ontoggle], [onbegin], [style]',
      ),
    ).map((e) => e.outerHTML);
    const links = Array.from(scope.querySelectorAll('a[href]')).map((a) => ({
      href: a.getAttribute('href') ?? '',
      rel: a.getAttribute('rel') ?? '',
    }));
    return { missing: false, active, links };
  }, root);
  expect(found.missing, `${root} is on the page`).toBe(false);
  expect(found.active).toEqual([]);
  for (const link of found.links) {
    expect(link.href).toMatch(/^https?:\/\//);
    expect(link.rel).toBe('noopener noreferrer');
  }
  // The only surviving links are the two https ones (the tracker image became a link, not an image).
  return found.links.map((l) => l.href);
}

test('hostile metadata renders inert in Inspect, its YAML tab and Annotate', async ({
  page,
  problems: _,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto('/#/inspect');
  await openFile(page, hostileModule());

  const details = page.getByTestId('inspect-details');
  await expect(details.getByRole('row', { name: `title: ${IMG}` })).toBeVisible();
  await expect(page.getByTestId('inspect-annotations')).toContainText(
    `<script>window.__pwned='value'</script>`,
  );
  await expect(page.getByTestId('inspect-rules')).toContainText('<script>window.__pwned="rule"</script>');
  await expect(page.getByTestId('inspect-context-aware')).toContainText('<iframe src=');
  const usage = page.getByRole('region', { name: 'Usage' });
  await expect(usage.getByRole('heading', { name: 'Usage' })).toBeVisible();
  const hrefs = await expectInert(page, '#inspect-panel-details');
  expect(hrefs.sort()).toEqual(['https://example.org/docs', 'https://example.org/pixel.png']);
  await expect(usage.getByText('[image: tracker]')).toBeVisible();
  // Raw HTML with attributes is shown as text, never parsed.
  await expect(usage).toContainText(`<img src=x onerror="window.__pwned='img'">`);
  await expect(usage).toContainText('<details open ontoggle=');
  // Links stripped of their targets do nothing when clicked.
  for (const name of ['click me', 'raw link', 'case link', 'data link', 'hash link'])
    await usage.getByText(name).click();
  await expect(page).toHaveURL(/#\/inspect$/);
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(page.getByTestId('inspect-yaml')).toContainText('window.__pwned');
  await expectInert(page, '#inspect-panel-yaml');

  await page.getByRole('link', { name: 'Annotate' }).click();
  await expect(page.getByLabel('Title io.kubewarden.policy.title')).toHaveValue(IMG);
  await expect(page.getByRole('region', { name: 'Usage preview' })).toContainText('toggle');
  await expectInert(page, '[aria-label="Usage preview"]');
  await expectInert(page, '#annotate-heading + *');

  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  // The app itself survived: its mount point was not clobbered and navigation still works.
  await page.getByRole('link', { name: 'Inspect' }).click();
  await expect(page.getByRole('heading', { name: 'Inspect hostile.wasm' })).toBeVisible();
});
