/** What each WasmParseError code means to a user, and the fix. */
import type { ExplanationTable } from '../common';
import type { WasmParseErrorCode } from './errors';

const damaged = 'Rebuild the module, or download it again: the file may have been cut short or altered.';

export const WASM_EXPLANATIONS: ExplanationTable<WasmParseErrorCode> = {
  'not-wasm': {
    title: 'Not a WebAssembly file',
    explanation:
      'The file does not start with the WebAssembly magic bytes; the message says what it looks like.',
    fix: 'Choose the compiled .wasm file (for a policy, the file kwctl annotate or your build writes).',
  },
  truncated: {
    title: 'The module ends too early',
    explanation: 'A section says it is longer than what is left of the file.',
    fix: damaged,
  },
  'section-overflow': {
    title: 'A section does not fit',
    explanation: 'A section’s declared size runs past the end of the module.',
    fix: damaged,
  },
  'bad-leb': {
    title: 'A length is malformed',
    explanation: 'A LEB128 number in the binary is longer than the format allows.',
    fix: damaged,
  },
  'bad-utf8': {
    title: 'A name is not valid UTF-8',
    explanation: 'WebAssembly names must be UTF-8; this one is not.',
    fix: damaged,
  },
  'unsupported-version': {
    title: 'Unknown WebAssembly version',
    explanation: 'The binary has a version or layer this tool does not know.',
    fix: 'Check the toolchain that built it; Wasmlens reads core modules (version 1) and components.',
  },
  'bad-section': {
    title: 'A section is malformed',
    explanation:
      'A section has an unknown id, appears twice, or is out of the order the specification requires.',
    fix: damaged,
  },
  'not-core-module': {
    title: 'This is not a core module',
    explanation: 'This action works on core WebAssembly modules, and the file is a component.',
    fix: 'Use the core module the component was built from.',
  },
  'not-component': {
    title: 'This is not a component',
    explanation: 'This action needs a WebAssembly component, and the file is a core module.',
    fix: 'Use a component (for example one built with cargo-component or jco).',
  },
};
