/** Renders untrusted markdown (a policy's usage text) to inert HTML: marked, then DOMPurify, then link rules. */
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

/** Raw HTML tags kept from the source: only these names, and only without attributes. */
const PLAIN_TAG =
  /^<\/?(?:details|summary|br|hr|p|div|span|b|i|em|strong|u|s|del|ins|sub|sup|kbd|code|pre|blockquote|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|th|td|h[1-6])\s*\/?>$/i;

/**
 * Raw HTML in the markdown is neutralised before any parser sees it: every `<` that does not open one of the
 * attribute-free tags above becomes text. Parsing hostile markup even in an inert document (as a sanitiser must)
 * makes Chromium report its event handlers against our CSP, so handlers must never reach a parser at all.
 */
export function neutraliseHtml(html: string): string {
  return html
    .split(/(<[^<>]*>)/)
    .map((part) =>
      PLAIN_TAG.test(part) ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    )
    .join('');
}

// A private instance so no other module's marked options or extensions leak in.
const parser = new Marked({ gfm: true, breaks: false, async: false });
/** Usage text sits under the page's own headings: `#` becomes a level-4 heading, `##` level 5, the rest 6. */
export const HEADING_OFFSET = 3;
parser.use({
  renderer: {
    html: ({ text }) => neutraliseHtml(text),
    heading({ tokens, depth }) {
      const level = Math.min(6, depth + HEADING_OFFSET);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
  },
});

/** Schemes a rendered link may keep; anything else (javascript:, data:, vbscript:, relative) loses its href. */
const SAFE_LINK = /^(?:https?:|mailto:)/i;

const PURIFY_OPTIONS = {
  USE_PROFILE: { html: true },
  // Forms, media and embeds have no place in usage text; `style` would also break our CSP (style-src 'self').
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
  ],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href'],
  SANITIZE_NAMED_PROPS: true,
  ALLOW_DATA_ATTR: false,
};

/** Beyond these, marked recurses past the stack (a few thousand "> ") or slows down with the square of the depth. */
const MAX_QUOTE_DEPTH = 32;
const MAX_INDENT = 128;

/**
 * True when some line nests deeper than marked can take: more than 32 blockquote markers or 128 columns of
 * indentation (nested lists). One pass over the text.
 */
export function markdownTooNested(text: string): boolean {
  let quotes = 0;
  let indent = 0;
  let lead = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      quotes = indent = 0;
      lead = true;
    } else if (!lead) continue;
    else if (c === 62 /* > */) quotes++;
    else if (c === 32) indent++;
    else if (c === 9) indent += 4;
    else lead = false;
    if (quotes > MAX_QUOTE_DEPTH || indent > MAX_INDENT) return true;
  }
  return false;
}

/** The text itself, inert, with a note: for markdown the renderer cannot take. */
function asPlainText(text: string): DocumentFragment {
  const holder = document.createDocumentFragment();
  const note = document.createElement('p');
  note.textContent = 'This text nests too deeply to render as markdown; it is shown as it is.';
  const pre = document.createElement('pre');
  pre.textContent = text;
  holder.append(note, pre);
  return holder;
}

/**
 * Markdown to a sanitised DOM fragment. Raw HTML in the source is shown as text (see {@link neutraliseHtml})
 * and the result still goes through DOMPurify;
 * links open in a new tab without opener or referrer; images are shown as links (loading them would leak the
 * reader's address to whoever wrote the metadata, and our CSP blocks remote images anyway). Text nested too
 * deeply for marked is shown as plain text. The fragment is inserted as it is: serialising it to HTML for
 * `{@html}` only to parse it again cost a third of the rendering, and a re-parse of sanitised markup is where
 * mutation XSS lives.
 */
export function renderMarkdown(text: string): DocumentFragment {
  if (markdownTooNested(text)) return asPlainText(text);
  let html: string;
  try {
    html = parser.parse(text, { async: false });
  } catch {
    return asPlainText(text);
  }
  const fragment = DOMPurify.sanitize(html, { ...PURIFY_OPTIONS, RETURN_DOM_FRAGMENT: true });
  for (const img of Array.from(fragment.querySelectorAll('img'))) img.replaceWith(imageStandIn(img));
  for (const a of Array.from(fragment.querySelectorAll('a'))) secureLink(a);
  return fragment;
}

function secureLink(a: HTMLAnchorElement): void {
  const href = a.getAttribute('href')?.trim() ?? '';
  if (!SAFE_LINK.test(href)) {
    // A fragment would drive our hash router, a relative path would point into this app: keep only the text.
    a.removeAttribute('href');
    a.removeAttribute('target');
    return;
  }
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
}

function imageStandIn(img: HTMLImageElement): HTMLElement {
  const alt = img.getAttribute('alt')?.trim() || 'image';
  const src = img.getAttribute('src')?.trim() ?? '';
  const label = `[image: ${alt}]`;
  if (!SAFE_LINK.test(src)) {
    const span = document.createElement('span');
    span.textContent = label;
    return span;
  }
  const a = document.createElement('a');
  a.href = src;
  a.textContent = label;
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  return a;
}
