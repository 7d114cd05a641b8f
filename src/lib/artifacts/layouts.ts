/** Builds Kyverno and Flux artifacts in their tools' layouts (oci.md §10), ready for a registry client to push. */
import { sha256Digest } from '../common';
import type { ArtifactBlob, BuiltArtifact as PushableArtifact } from '../oci';
import { ArtifactError } from './errors';
import { gzipDeterministic } from './gzip-write';
import { MT } from './media-types';
import { writeTar, type TarInputFile } from './tar-write';
import { checkKyvernoPolicy, splitYamlDocuments, type PolicyIssue, type YamlDocument } from './yaml-docs';

export type BuiltBlob = ArtifactBlob;

/** An artifact ready for lib/oci's pushArtifact, with its config blob named for callers that show it. */
export interface BuiltArtifact extends PushableArtifact {
  config: BuiltBlob;
}

const encoder = new TextEncoder();

async function blob(bytes: Uint8Array<ArrayBuffer>, mediaType: string): Promise<BuiltBlob> {
  return { digest: await sha256Digest(bytes), size: bytes.length, mediaType, bytes };
}

/** A descriptor with go-containerregistry's field order (mediaType, size, digest, annotations). */
function descriptor(b: BuiltBlob, annotations?: Record<string, string>): Record<string, unknown> {
  const d: Record<string, unknown> = { mediaType: b.mediaType, size: b.size, digest: b.digest };
  if (annotations && Object.keys(annotations).length > 0) d.annotations = sortedKeys(annotations);
  return d;
}

/** Go's encoding/json writes map keys sorted; doing the same keeps our bytes close to the CLIs'. */
function sortedKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** go-containerregistry's empty-image config after appending layers: zero times, empty os/architecture. */
export function ggcrConfig(diffIds: readonly string[]): Uint8Array<ArrayBuffer> {
  const zero = '0001-01-01T00:00:00Z';
  const config = {
    architecture: '',
    created: zero,
    history: diffIds.map(() => ({ created: zero })),
    os: '',
    rootfs: { type: 'layers', diff_ids: diffIds },
    config: {},
  };
  return encoder.encode(JSON.stringify(config));
}

async function assemble(
  configMediaType: string,
  configBytes: Uint8Array<ArrayBuffer>,
  layers: { blob: BuiltBlob; annotations?: Record<string, string> }[],
  annotations?: Record<string, string>,
): Promise<BuiltArtifact> {
  const config = await blob(configBytes, configMediaType);
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: descriptor(config),
    layers: layers.map((l) => descriptor(l.blob, l.annotations)),
  };
  if (annotations && Object.keys(annotations).length > 0) manifest.annotations = sortedKeys(annotations);
  const manifestBytes = encoder.encode(JSON.stringify(manifest));
  return {
    mediaType: MT.ociManifest,
    manifestBytes,
    manifestDigest: await sha256Digest(manifestBytes),
    config,
    blobs: [config, ...layers.map((l) => l.blob)],
  };
}

/** A policy document found in a dropped file, with what the checks said about it. */
export interface KyvernoCandidate {
  file: string;
  doc: YamlDocument;
  issues: PolicyIssue[];
}

/** Splits each dropped YAML file into documents and checks every one as a Kyverno policy. */
export function collectKyvernoPolicies(files: readonly { name: string; text: string }[]): KyvernoCandidate[] {
  const out: KyvernoCandidate[] = [];
  for (const f of files) {
    let docs: YamlDocument[];
    try {
      docs = splitYamlDocuments(f.text);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      out.push({
        file: f.name,
        doc: {
          index: 0,
          line: 1,
          text: '',
          value: null,
          apiVersion: null,
          kind: null,
          name: null,
          namespace: null,
          errors: [message],
        },
        issues: [{ severity: 'error', field: 'document', message }],
      });
      continue;
    }
    for (const doc of docs) out.push({ file: f.name, doc, issues: checkKyvernoPolicy(doc) });
  }
  return out;
}

/**
 * Builds the Kyverno CLI layout: config `application/vnd.cncf.kyverno.config.v1+json` holding GGCR's empty-image
 * config, and one YAML layer per policy annotated with its kind, name and apiVersion. Refuses policies with errors.
 */
export async function buildKyvernoArtifact(policies: readonly YamlDocument[]): Promise<BuiltArtifact> {
  if (policies.length === 0) throw new ArtifactError('bad-input', 'No policies to push');
  const layers = [];
  for (const doc of policies) {
    const errors = checkKyvernoPolicy(doc).filter((i) => i.severity === 'error');
    if (errors.length > 0) throw new ArtifactError('bad-yaml', errors.map((e) => e.message).join('; '));
    const text = doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`;
    layers.push({
      blob: await blob(encoder.encode(text), MT.kyvernoLayer),
      annotations: {
        'io.kyverno.image.kind': doc.kind!,
        'io.kyverno.image.name': doc.name!,
        'io.kyverno.image.apiVersion': doc.apiVersion!,
      },
    });
  }
  // The layers are uncompressed, so each diff_id equals the layer digest (GGCR static.NewLayer).
  const configBytes = ggcrConfig(layers.map((l) => l.blob.digest));
  return assemble(MT.kyvernoConfig, configBytes, layers);
}

export interface FluxMeta {
  /** `org.opencontainers.image.source`, e.g. the Git URL. */
  source: string;
  /** `org.opencontainers.image.revision`, e.g. `main@sha1:<sha>`. */
  revision: string;
  /** `org.opencontainers.image.created`, RFC 3339; must be given (never "now") so the result is reproducible. */
  created: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks Flux annotations; returns problems in plain words (empty when fine). */
export function checkFluxMeta(meta: FluxMeta): string[] {
  const problems: string[] = [];
  if (meta.created && !RFC3339.test(meta.created))
    problems.push(`created must be an RFC 3339 time such as 2024-01-02T03:04:05Z, not "${meta.created}"`);
  if (meta.revision && !/@sha1:[0-9a-f]{40}$|@sha256:[0-9a-f]{64}$/.test(meta.revision))
    problems.push('revision is usually <branch or tag>@sha1:<commit>; Flux shows it as given');
  return problems;
}

/** The deterministic tar+gzip of the files: same paths and bytes give the same digest on every platform. */
export function fluxArchive(files: readonly TarInputFile[]): Uint8Array<ArrayBuffer> {
  return gzipDeterministic(writeTar(files));
}

/** Builds a Flux artifact: one deterministic tar+gzip layer and the source, revision and created annotations. */
export async function buildFluxArtifact(
  files: readonly TarInputFile[],
  meta: FluxMeta,
): Promise<BuiltArtifact> {
  if (files.length === 0) throw new ArtifactError('bad-input', 'No files to package');
  if (meta.created && !RFC3339.test(meta.created))
    throw new ArtifactError('bad-input', `created is not an RFC 3339 time: ${meta.created}`);
  const tar = writeTar(files);
  const layer = await blob(gzipDeterministic(tar), MT.fluxLayer);
  // The layer is compressed, so its diff_id is the digest of the uncompressed tar (GGCR tarball.LayerFromFile).
  const configBytes = ggcrConfig([await sha256Digest(tar)]);
  const annotations: Record<string, string> = {};
  if (meta.source) annotations['org.opencontainers.image.source'] = meta.source;
  if (meta.revision) annotations['org.opencontainers.image.revision'] = meta.revision;
  if (meta.created) annotations['org.opencontainers.image.created'] = meta.created;
  return assemble(MT.fluxConfig, configBytes, [{ blob: layer }], annotations);
}
