/** What each ArtifactError code means to a user, and the fix. */
import type { ExplanationTable } from '../common';
import type { ArtifactErrorCode } from './errors';

export const ARTIFACT_EXPLANATIONS: ExplanationTable<ArtifactErrorCode> = {
  'too-large': {
    title: 'Too large to show here',
    explanation: 'The content is larger than Wasmlens decodes in the page without freezing it.',
    fix: 'Download it and open it with a tool made for large files.',
  },
  ratio: {
    title: 'Refused: it expands too much',
    explanation:
      'The compressed data would expand far beyond a plausible size, as a decompression bomb does.',
    fix: 'If you trust the source, download the blob and unpack it outside the browser.',
  },
  truncated: {
    title: 'The data ends too early',
    explanation: 'The archive or document stops in the middle of an entry.',
    fix: 'Push or download it again; the copy that reached the registry is incomplete.',
  },
  'bad-gzip': {
    title: 'Not valid gzip',
    explanation: 'The layer says it is gzip-compressed, but the bytes do not decompress.',
    fix: 'Check the tool that made the artifact; the layer media type may be wrong.',
  },
  'bad-tar': {
    title: 'Not a valid tar archive',
    explanation: 'A tar header is damaged or does not follow the ustar, GNU or pax format.',
    fix: 'Rebuild the archive with GNU tar or the tool that made it.',
  },
  'bad-yaml': {
    title: 'Not valid YAML',
    explanation: 'A YAML document could not be read; the message says where.',
    fix: 'Fix the YAML at the line shown and try again.',
  },
  'bad-manifest': {
    title: 'Not a manifest this tool can read',
    explanation: 'The JSON does not have the shape of an OCI manifest or index.',
    fix: 'Check that the reference or file is an OCI artifact.',
  },
  'bad-input': {
    title: 'Cannot use this input',
    explanation: 'What was given does not fit this action.',
    fix: 'See the message below for what is missing or wrong.',
  },
  aborted: {
    title: 'Cancelled',
    explanation: 'The operation was cancelled before it finished.',
    fix: 'Run it again when you are ready.',
  },
};
