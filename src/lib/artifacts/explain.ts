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
  'bad-layout': {
    title: 'Not an OCI image layout',
    explanation:
      'An OCI layout (image-spec image-layout.md) holds an oci-layout file, an index.json and a blobs folder; one of them is missing or damaged.',
    fix: 'Make the layout again, e.g. with `skopeo copy docker://… oci-archive:policies.tar` or Save for offline, and open that.',
  },
  'unsafe-path': {
    title: 'Refused: an entry would land outside the layout',
    explanation:
      'The archive names a file with `..`, an absolute path, a link or hidden characters. Unpacking it elsewhere could overwrite files outside the layout, so nothing in it is used.',
    fix: 'Do not use this archive. Ask for a new one made by an OCI tool.',
  },
  'missing-blob': {
    title: 'The layout is incomplete',
    explanation:
      'A manifest in the layout names a blob (config, layer or child manifest) that is not in blobs/.',
    fix: 'Save or copy the layout again; whoever made it left content out.',
  },
  'dangling-reference': {
    title: 'index.json points nowhere',
    explanation:
      'An entry of index.json names a manifest digest that is not in blobs/, so that reference cannot be opened.',
    fix: 'Save or copy the layout again; its index.json does not match its blobs.',
  },
  'digest-mismatch': {
    title: 'Refused: a blob was changed',
    explanation:
      'A blob’s bytes do not hash to the digest it is stored under. The layout was damaged or tampered with after it was made, so none of it is trusted.',
    fix: 'Get the layout again from its source and compare its checksum before opening it.',
  },
  'size-mismatch': {
    title: 'Refused: a blob has the wrong size',
    explanation: 'A manifest says a blob has one size, but the file in blobs/ has another.',
    fix: 'Get the layout again from its source; it was damaged or changed.',
  },
  aborted: {
    title: 'Cancelled',
    explanation: 'The operation was cancelled before it finished.',
    fix: 'Run it again when you are ready.',
  },
};
