/**
 * Public names of the layout library: OCI image layouts (image-spec `image-layout.md`) read from a tar or a folder
 * and written as a streaming tar, and the transfers between registries and layouts (save, push, copy) with
 * signatures and referrers.
 *
 * A lib area of its own rather than part of lib/artifacts: it knows no artifact kind, and it sits above both
 * lib/oci (clients, blob streams, mounts) and lib/artifacts (tar reading and writing, ArtifactError).
 */
export {
  REF_NAME,
  REF_NAME_PATTERN,
  LAYOUT_VERSION,
  blobPath,
  cosignSubject,
  readRefName,
  type RefName,
} from './format';
export {
  openLayout,
  filesFromTar,
  type LayoutFile,
  type LayoutBlob,
  type LayoutEntry,
  type EntryRole,
  type OciLayout,
  type OpenLayoutOptions,
} from './read';
export { LayoutTarBuilder, type LayoutTar, type TarPart } from './write';
export {
  planTransfer,
  type Attachment,
  type BlobData,
  type ContentReader,
  type PlannedManifest,
  type PlannedRole,
  type TransferPlan,
} from './plan';
export { executePlan, Tally, type ContentWriter, type TransferReport } from './execute';
export { registryReader, registryWriter, at } from './registry';
export { layoutReader, layoutWriter, layoutContent, refNameFor, type ContentSource } from './layout-io';
export {
  saveLayout,
  pushLayout,
  copyReference,
  defaultTarget,
  type SaveItem,
  type PushChoice,
  type TransferOptions,
} from './operations';
