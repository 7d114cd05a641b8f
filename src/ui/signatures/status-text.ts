/** The words for a signature status, shared by the badge and the panel so both always say the same. */
import type { SignatureStatus } from '../../state/signatures.svelte';

/** A short label: what a tag row or a heading can hold. */
export function badgeLabel(s: SignatureStatus): string {
  switch (s.state) {
    case 'idle':
      return 'Signatures not checked';
    case 'checking':
      return 'Checking signatures…';
    case 'failed':
      return 'Signature lookup failed';
    case 'verified':
      return 'Verified';
    case 'not-verified':
      return 'Signed, not verified';
    case 'unsigned':
      return 'Unsigned';
  }
}

/** The one-line explanation: who signed and when, why not, or what failed. */
export function statusLine(s: SignatureStatus): string {
  switch (s.state) {
    case 'idle':
      return 'The signatures of this manifest have not been checked.';
    case 'checking':
      return 'Looking up and verifying signatures…';
    case 'failed':
      return `Lookup failed: ${s.failure.title}. ${s.failure.message}`;
    case 'unsigned':
      return `Unsigned: ${s.summary}`;
    default:
      return s.summary;
  }
}

/** A glyph next to the words (hidden from screen readers, which read the words). */
export function statusIcon(s: SignatureStatus): string {
  return { idle: '○', checking: '…', failed: '!', verified: '✓', 'not-verified': '✗', unsigned: '–' }[
    s.state
  ];
}
