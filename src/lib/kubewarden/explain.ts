/** What each MetadataError code means to a user, and the fix. */
import type { ExplanationTable } from '../common';
import type { MetadataErrorCode } from './errors';

export const METADATA_EXPLANATIONS: ExplanationTable<MetadataErrorCode> = {
  'bad-json': {
    title: 'The policy metadata cannot be read',
    explanation:
      'The io.kubewarden.metadata section is not the JSON kwctl writes; kwctl inspect fails on it too.',
    fix: 'Annotate the module again (Annotate view) to replace the section.',
  },
  'bad-yaml': {
    title: 'The metadata.yml cannot be read',
    explanation: 'The YAML does not parse, or a field has the wrong type; the message gives the line.',
    fix: 'Fix the line shown and import the file again.',
  },
  'invalid-metadata': {
    title: 'The metadata breaks kwctl’s rules',
    explanation: 'kwctl would refuse this metadata; each problem is listed with its field.',
    fix: 'Correct the fields listed, in the Annotate form or in metadata.yml.',
  },
  scaffold: {
    title: 'Cannot write this scaffold',
    explanation: 'kwctl needs more from the metadata to write this file; the message names what.',
    fix: 'Fill in the annotation named below in the Annotate form.',
  },
  'not-core-module': {
    title: 'Components cannot be annotated',
    explanation:
      'Kubewarden metadata lives only in core modules, and kwctl cannot annotate components either.',
    fix: 'Annotate the core module the policy was built from.',
  },
  'write-check': {
    title: 'The annotated module did not check out',
    explanation: 'After writing, the module was read back and did not hold exactly the intended metadata.',
    fix: 'Please report this with the file: nothing was downloaded, so nothing is lost.',
  },
};
