/** `createdAt` as the `time` crate's `Rfc3339` writes an `OffsetDateTime::now_utc()`: nanoseconds, trailing zeros cut. */

/** A UTC instant with nanosecond precision. */
export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00Z. */
  seconds: number;
  /** 0 ≤ nanoseconds < 1e9. */
  nanoseconds: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Reads `2025-09-15T08:09:49.259409941Z` (or an offset) without losing the nanoseconds; null when malformed. */
export function parseRfc3339(text: string): Instant | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  const nanoseconds = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds: Math.floor(ms / 1000) - offset, nanoseconds };
}

/** An instant from a JS Date (millisecond precision). */
export function instantFromDate(date: Date): Instant {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanoseconds: (ms - seconds * 1000) * 1_000_000 };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * time 0.3 `Rfc3339` formatting of a UTC `OffsetDateTime`: `Z`, and the fraction only when the nanoseconds are not
 * zero, with trailing zeros removed (so `.18473343`, not `.184733430`). Years outside 0000–9999 cannot be written.
 */
export function formatRfc3339(instant: Instant): string {
  const d = new Date(instant.seconds * 1000);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`the year ${year} cannot be written in RFC 3339`);
  let text = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (instant.nanoseconds !== 0)
    text += `.${String(instant.nanoseconds).padStart(9, '0').replace(/0+$/, '')}`;
  return `${text}Z`;
}
