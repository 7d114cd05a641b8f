/** Turns untrusted text (a policy's url or source annotation) into a link target only when that is safe. */

/**
 * The text as an `https:` URL to link to, or null. Any other scheme (`javascript:`, `data:`, `http:`, relative
 * paths, fragments that would drive the hash router) and URLs carrying credentials stay plain text.
 */
export function httpsHref(text: string): string | null {
  const url = URL.parse(text.trim());
  if (!url || url.protocol !== 'https:' || url.username || url.password || !url.hostname) return null;
  return url.href;
}
