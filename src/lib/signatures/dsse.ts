/** DSSE envelopes (secure-systems-lab/dsse `protocol.md`) and the in-toto Statement subjects they carry. */
import { bytesEqual, concat, digest, fromHex, fromUtf8, utf8 } from './bytes';
import { MT } from '../common';
import { fail } from './errors';

export const IN_TOTO_PAYLOAD_TYPE = MT.inTotoStatement;
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];

/** The pre-authentication encoding DSSE signs: `DSSEv1 <len> <type> <len> <body>`, byte lengths in decimal. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concat(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload);
}

export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  type: string;
  predicateType: string;
  subjects: StatementSubject[];
  predicate: unknown;
}

/** Parses an in-toto Statement from a DSSE payload; fails with the `payload` check. */
export function parseStatement(payloadType: string, payload: Uint8Array): Statement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    fail(
      'payload',
      `the DSSE payload type is ${JSON.stringify(payloadType)}, not an in-toto statement, so it names no artifact`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(payload, 'the in-toto statement', 'payload'));
  } catch (e) {
    fail('payload', `the in-toto statement is not JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail('payload', 'the in-toto statement is not an object');
  const s = json as Record<string, unknown>;
  if (typeof s._type !== 'string' || !STATEMENT_TYPES.includes(s._type)) {
    fail('payload', `the in-toto statement _type ${JSON.stringify(s._type)} is not a known Statement type`);
  }
  if (!Array.isArray(s.subject) || s.subject.length === 0)
    fail('payload', 'the in-toto statement has no subjects');
  const subjects = s.subject.slice(0, 10000).map((x, i) => {
    const sub = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const d =
      typeof sub.digest === 'object' && sub.digest !== null && !Array.isArray(sub.digest)
        ? (sub.digest as Record<string, unknown>)
        : null;
    if (!d) fail('payload', `in-toto subject ${i} has no digest`);
    const digestMap: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string') digestMap[k] = v.toLowerCase();
    return { name: typeof sub.name === 'string' ? sub.name : '', digest: digestMap };
  });
  return {
    type: s._type,
    predicateType: typeof s.predicateType === 'string' ? s.predicateType : '',
    subjects,
    predicate: s.predicate,
  };
}

/** What the signature is about: the bytes themselves, or only their digest (`sha256:<hex>`). */
export type Artifact = Uint8Array | { digest: string };

/** Parses `sha256:<hex>` (also sha384, sha512) into algorithm and bytes. */
export function parseDigest(text: unknown): { algorithm: 'sha256' | 'sha384' | 'sha512'; bytes: Uint8Array } {
  const m = typeof text === 'string' ? /^(sha256|sha384|sha512):([0-9a-fA-F]+)$/.exec(text) : null;
  const bytes = m ? fromHex(m[2]!) : null;
  const want = m ? { sha256: 32, sha384: 48, sha512: 64 }[m[1] as 'sha256'] : 0;
  if (!m || !bytes || bytes.length !== want)
    fail('artifact', `${JSON.stringify(text)?.slice(0, 100)} is not a digest like sha256:<64 hex digits>`);
  return { algorithm: m[1] as 'sha256', bytes };
}

const WEB = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

/** Fails unless one subject of the statement has the artifact's digest. Returns the matching subject. */
export async function matchSubject(statement: Statement, artifact: Artifact): Promise<StatementSubject> {
  const want = artifact instanceof Uint8Array ? null : parseDigest(artifact.digest);
  for (const s of statement.subjects) {
    for (const alg of ['sha256', 'sha384', 'sha512'] as const) {
      const have = s.digest[alg] ? fromHex(s.digest[alg]) : null;
      if (!have) continue;
      const ours = want
        ? want.algorithm === alg
          ? want.bytes
          : null
        : await digest(WEB[alg], artifact as Uint8Array);
      if (ours && bytesEqual(have, ours)) return s;
    }
  }
  const names = statement.subjects
    .slice(0, 3)
    .map(
      (s) =>
        `${s.name || '(unnamed)'} ${Object.entries(s.digest)
          .map(([k, v]) => `${k}:${v.slice(0, 16)}…`)
          .join(' ')}`,
    )
    .join('; ');
  fail('artifact', `no subject of the in-toto statement has the artifact's digest (subjects: ${names})`);
}
