/** Media types of the artifact kinds Wasmlens recognises (oci.md §10), and how each layer type is viewed. */

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociArtifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociImageConfig: 'application/vnd.oci.image.config.v1+json',
  dockerImageConfig: 'application/vnd.docker.container.image.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
  kubewardenConfig: 'application/vnd.wasm.config.v1+json',
  kubewardenLayer: 'application/vnd.wasm.content.layer.v1+wasm',
  wasmConfigV0: 'application/vnd.wasm.config.v0+json',
  wasmLayer: 'application/wasm',
  soloConfig: 'application/vnd.module.wasm.config.v1+json',
  soloLayer: 'application/vnd.module.wasm.content.layer.v1+wasm',
  runwasiLayer: 'application/vnd.bytecodealliance.wasm.component.layer.v0+wasm',
  kyvernoConfig: 'application/vnd.cncf.kyverno.config.v1+json',
  kyvernoLayer: 'application/vnd.cncf.kyverno.policy.layer.v1+yaml',
  kyvernoBundleConfig: 'application/vnd.cncf.kyverno.bundle.config.v1+json',
  kyvernoBundleLayer: 'application/vnd.cncf.kyverno.bundle.content.v1.tar+gzip',
  fluxConfig: 'application/vnd.cncf.flux.config.v1+json',
  fluxLayer: 'application/vnd.cncf.flux.content.v1.tar+gzip',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmLayer: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  helmProvenance: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  sigstoreBundlePrefix: 'application/vnd.dev.sigstore.bundle',
} as const;

/** Layer media types whose content is a WebAssembly binary. */
export const WASM_LAYER_TYPES: readonly string[] = [
  MT.kubewardenLayer,
  MT.wasmLayer,
  MT.soloLayer,
  MT.runwasiLayer,
];

/** How a blob of a given media type is best shown. */
export type BlobView = 'wasm' | 'yaml' | 'tar-gzip' | 'json' | 'text' | 'hex';

/** Picks the viewer for a blob from its media type (parameters after `;` are ignored). */
export function viewForMediaType(mediaType: string): BlobView {
  const mt = mediaType.split(';')[0]!.trim().toLowerCase();
  if (WASM_LAYER_TYPES.includes(mt) || mt.endsWith('+wasm')) return 'wasm';
  if (mt.endsWith('+yaml') || mt.endsWith('/yaml') || mt.endsWith('/x-yaml')) return 'yaml';
  if (
    mt.endsWith('tar+gzip') ||
    mt.endsWith('.tar.gzip') ||
    mt.endsWith('tar.gz') ||
    mt === 'application/gzip'
  )
    return 'tar-gzip';
  if (mt.endsWith('+json') || mt === 'application/json') return 'json';
  if (mt.startsWith('text/') || mt.endsWith('.prov')) return 'text';
  return 'hex';
}
