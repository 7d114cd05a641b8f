/** The author annotation as an RFC 5322 address list (`Name <email>, …`), for artifacthub maintainers. */
import { MetadataError } from './errors';

export interface Maintainer {
  name: string;
  email: string;
}

// A pragmatic addr-spec check: dot-atom local part (or quoted), and a domain of dot-separated labels.
const EMAIL =
  /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[^"\\]|\\.)*")@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Splits at commas outside quotes and angle brackets. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"' && !angle) quoted = !quoted;
    else if (c === '<' && !quoted) angle = true;
    else if (c === '>' && !quoted) angle = false;
    if (c === ',' && !quoted && !angle) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Parses `Name <email>, other@example.com, "Quoted, Name" <x@y.z>`. Throws {@link MetadataError} `scaffold`
 * with kwctl's messages: a malformed list, or a malformed email.
 */
export function parseMaintainers(text: string, key: string): Maintainer[] {
  const malformedList = () =>
    new MetadataError(
      'scaffold',
      `annotation "${key}" in policy metadata is malformed, must be csv values of "name <email>"`,
    );
  const items = splitList(text);
  if (items.length === 0) throw malformedList();
  return items.map((item) => {
    const m = /^(.*?)\s*<([^<>]*)>$/.exec(item);
    let name = '';
    let email = item;
    if (m) {
      name = m[1].trim();
      if (name.startsWith('"') && name.endsWith('"') && name.length >= 2)
        name = name.slice(1, -1).replace(/\\(.)/g, '$1');
      email = m[2].trim();
    } else if (/[<>]/.test(item)) throw malformedList();
    if (!EMAIL.test(email)) {
      const detail = email.includes('@') ? 'Invalid email address.' : "Missing separator character '@'.";
      throw new MetadataError(
        'scaffold',
        `annotation "${JSON.stringify(key)}" in policy metadata must be a well formed email: ${JSON.stringify(detail)}`,
      );
    }
    return { name, email };
  });
}
