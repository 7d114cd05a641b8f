/**
 * The one table of media types in Wasmlens (oci.md §3, §10; kubewarden.md §12.3). Every module that names a media
 * type imports it from here, so a typo cannot make two parts of the app disagree about what an artifact is.
 */
export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  /** Only in image-spec 1.1.0-rc2: read, never written. */
  ociArtifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociImageConfig: 'application/vnd.oci.image.config.v1+json',
  dockerImageConfig: 'application/vnd.docker.container.image.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  octetStream: 'application/octet-stream',
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
  inTotoStatement: 'application/vnd.in-toto+json',
  sigstoreBundlePrefix: 'application/vnd.dev.sigstore.bundle',
  sigstoreBundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

/** Every manifest and index media type a registry may answer with, in the order of oci.md §3's Accept list. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MT.ociIndex,
  MT.ociManifest,
  MT.dockerList,
  MT.dockerManifest,
  MT.ociArtifactManifest,
];

/** sha256 of the two bytes `{}`: the config of every kwctl push and the OCI empty descriptor. */
export const EMPTY_CONFIG_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** True for the two index types (OCI index, Docker manifest list). */
export const isIndexType = (t: string | undefined | null) => t === MT.ociIndex || t === MT.dockerList;
