/** Safety checks for archive entry names: they are shown, never used as file-system paths. */

/** Control, line-separator and bidi-override characters: they hide or reorder what a name shows. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export type NameHazard = 'absolute' | 'parent' | 'control' | 'backslash' | 'empty' | 'long';

/** Names longer than this are flagged: no real chart or manifest needs them, and they hide what follows. */
export const MAX_SAFE_NAME = 1024;

/** Lists what is dangerous about a name: absolute paths, `..` segments, control characters, backslashes. */
export function nameHazards(name: string): NameHazard[] {
  const hazards: NameHazard[] = [];
  if (name.length === 0) hazards.push('empty');
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) hazards.push('absolute');
  if (name.split(/[\\/]/).includes('..')) hazards.push('parent');
  if (new RegExp(HIDDEN.source).test(name)) hazards.push('control');
  if (name.includes('\\')) hazards.push('backslash');
  if (name.length > MAX_SAFE_NAME) hazards.push('long');
  return hazards;
}

/** Plain-language text for each hazard, for the UI. */
export const HAZARD_TEXT: Record<NameHazard, string> = {
  absolute: 'absolute path',
  parent: 'climbs out with ..',
  control: 'control or direction characters',
  backslash: 'backslash in name',
  empty: 'empty name',
  long: 'very long name',
};

/** The name with control and bidi characters shown as `\u{…}` escapes, and cut to `max` characters. */
export function displayName(name: string, max = 300): string {
  const shown = name.replace(HIDDEN, (c) => {
    return `\\u{${c.codePointAt(0)!.toString(16)}}`;
  });
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** A file name safe to offer as a download: the last segment, with anything odd replaced by `_`. */
export function safeDownloadName(name: string, fallback = 'file'): string {
  const last =
    name
      .split(/[\\/]/)
      .filter((s) => s && s !== '.' && s !== '..')
      .pop() ?? '';
  const clean = last.replace(HIDDEN, '_').replace(/[<>:"|?*]/g, '_');
  return clean.slice(0, 200) || fallback;
}
