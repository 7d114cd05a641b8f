// Renders public/favicon.svg to the PNG icons the web app manifest lists, with Debian's Chromium.
// Run by hand after changing the SVG: node scripts/build-icons.mjs (the PNGs are committed).
import { chromium } from '@playwright/test';
import { readFileSync, mkdirSync } from 'node:fs';

const ROOT = new URL('..', import.meta.url).pathname;
const svg = readFileSync(`${ROOT}public/favicon.svg`, 'utf8');
mkdirSync(`${ROOT}public/icons`, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
for (const [size, maskable] of [
  [192, false],
  [512, false],
  [512, true],
]) {
  await page.setViewportSize({ width: size, height: size });
  // A maskable icon keeps its glyph inside the central 80% safe zone on a full-bleed background.
  const inner = maskable ? Math.round(size * 0.7) : size;
  const bg = maskable ? '#654ff0' : 'transparent';
  await page.setContent(
    `<body style="margin:0;background:${bg};display:grid;place-items:center;height:${size}px">` +
      `<div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body>`,
  );
  const name = maskable ? `icon-${size}-maskable.png` : `icon-${size}.png`;
  await page.screenshot({ path: `${ROOT}public/icons/${name}`, omitBackground: !maskable });
  console.log(`wrote public/icons/${name}`);
}
await browser.close();
