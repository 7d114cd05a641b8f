// Which url/source annotation values Inspect turns into links: https only (WHATWG URL parsing, as the browser
// itself would resolve the href), never another scheme, a relative path, a fragment or embedded credentials.
import { describe, expect, it } from 'vitest';
import { httpsHref } from '../../src/ui/common/links';

describe('httpsHref', () => {
  it('links https URLs, normalised as the browser would', () => {
    expect(httpsHref('https://example.org/policy')).toBe('https://example.org/policy');
    expect(httpsHref('  https://EXAMPLE.org  ')).toBe('https://example.org/');
  });

  it('keeps everything else as text', () => {
    for (const text of [
      'http://example.org/',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//example.org/x',
      '/relative/path',
      '#/registry',
      'https://user:secret@example.org/',
      'github.com/kubewarden/policy',
      '',
    ])
      expect(httpsHref(text), text).toBeNull();
  });
});
