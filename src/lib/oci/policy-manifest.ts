/** kwctl's artifact for a Kubewarden policy: manifest bytes, `{}` config, one raw wasm layer (kubewarden.md §12.3). */
import { canonicalJson, EMPTY_CONFIG_DIGEST, OCI_MANIFEST, WASM_CONFIG, WASM_LAYER } from './media-types';
import { sha256Digest } from '../common';

/** The manifest built for a push; `manifestBytes` are what is PUT and hashed. */
export interface PolicyManifest {
  manifestBytes: Uint8Array<ArrayBuffer>;
  digest: string;
  configBytes: Uint8Array<ArrayBuffer>;
  layerDigest: string;
  mediaType: typeof OCI_MANIFEST;
}

/**
 * Builds kwctl's manifest: no `mediaType` field, schemaVersion 2, config `{}` (wasm config type), one layer with the
 * raw bytes, and `annotations` only when given. Canonical JSON, so the digest matches kwctl's.
 */
export async function buildPolicyManifest(
  wasmBytes: Uint8Array,
  annotations?: Record<string, string>,
): Promise<PolicyManifest> {
  const configBytes = new TextEncoder().encode('{}') as Uint8Array<ArrayBuffer>;
  const layerDigest = await sha256Digest(wasmBytes);
  const manifest = {
    schemaVersion: 2,
    config: { mediaType: WASM_CONFIG, digest: EMPTY_CONFIG_DIGEST, size: 2 },
    layers: [{ mediaType: WASM_LAYER, digest: layerDigest, size: wasmBytes.length }],
    annotations,
  };
  const manifestBytes = new TextEncoder().encode(canonicalJson(manifest)) as Uint8Array<ArrayBuffer>;
  return {
    manifestBytes,
    digest: await sha256Digest(manifestBytes),
    configBytes,
    layerDigest,
    mediaType: OCI_MANIFEST,
  };
}
