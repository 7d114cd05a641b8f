/**
 * Decides, as policy-server would, whether verified signatures satisfy a verification config:
 * every `allOf` rule and at least `minimumMatches` `anyOf` rules must each be met by some usable
 * signature (sigstore-rs `verify_constraints`, policy-fetcher `verify_signatures_against_config`).
 * Rules follow policy-fetcher's `verification_constraints.rs` and sigstore-rs' CertificateVerifier.
 */
import { verifyChain, certKey } from './chain';
import { toFailure } from './errors';
import { parsePublicKeyPem, type PublicKey } from './keys';
import { parsePem } from './pem';
import { signedByKey, type SignatureRecord } from './cosign';
import { OID } from './oid';
import type { TrustedRoot } from './trusted-root';
import type { Annotations, SignatureRule, VerificationConfig } from './verification-config';
import { parseCertificate, type Certificate } from './x509';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

export interface RuleOutcome {
  rule: SignatureRule;
  /** Where the rule sits, e.g. `allOf[0]`. */
  where: string;
  satisfied: boolean;
  /** The records (by `where`) that satisfied it. */
  matchedBy: string[];
  /** Why it is unsatisfied, or which signature met it. */
  explanation: string;
}

export interface PolicyDecision {
  accepted: boolean;
  allOf: RuleOutcome[];
  anyOf: { minimumMatches: number; satisfied: number; rules: RuleOutcome[] } | null;
  /** policy-server's wording for the result. */
  message: string;
}

/** sigstore-rs `Optional::satisfies_annotations`: strings compare as is, numbers and booleans as their text. */
export function satisfiesAnnotations(wanted: Annotations, have: Record<string, unknown> | null): boolean {
  if (!wanted || Object.keys(wanted).length === 0) return true;
  if (!have || Object.keys(have).length === 0) return false;
  return Object.entries(wanted).every(([k, v]) => {
    const h = have[k];
    return (typeof h === 'string' || typeof h === 'number' || typeof h === 'boolean') && String(h) === v;
  });
}

/** policy-fetcher's GitHubRepo: owner and repo from a github.com workflow URL. */
function githubRepo(url: string): { owner: string; repo: string } | null {
  try {
    const u = new URL(url);
    if (u.host !== 'github.com') return null;
    const [owner, repo] = u.pathname.split('/').filter((s, i) => i > 0 || s !== '');
    return owner && repo ? { owner, repo } : null;
  } catch {
    return null;
  }
}

interface Context {
  trustedRoot: TrustedRoot;
  now: Date;
}

/** sigstore-rs CertificateVerifier::from_der: key usages, a SAN, valid now, and the chain when given. */
async function configCertificate(
  rule: Extract<SignatureRule, { kind: 'certificate' }>,
  now: Date,
): Promise<Certificate> {
  const cert = parseCertificate(
    parsePem(rule.certificate, 'the certificate', 'config')[0]!.der,
    'the configured certificate',
  );
  if (!cert.keyUsage?.digitalSignature)
    throw new Error('the configured certificate is not for digital signatures');
  if (cert.extKeyUsage && !cert.extKeyUsage.includes(OID.ekuCodeSigning))
    throw new Error('the configured certificate is not for code signing');
  if (cert.subjectAltNames.length === 0)
    throw new Error('the configured certificate has no subject alternative name');
  if (now < cert.notBefore || now > cert.notAfter)
    throw new Error('the configured certificate is not valid now');
  if (rule.certificateChain) {
    const chain = rule.certificateChain.map((p, i) =>
      parseCertificate(parsePem(p, `certificateChain[${i}]`, 'config')[0]!.der, `certificateChain[${i}]`),
    );
    await verifyChain(cert, chain, now, 'config');
  }
  return cert;
}

async function matches(
  rule: SignatureRule,
  r: SignatureRecord,
  ctx: Context,
  key: PublicKey | null,
  cert: Certificate | null,
): Promise<boolean> {
  if (r.problem) return false;
  if (!satisfiesAnnotations(rule.annotations, r.annotations)) return false;
  switch (rule.kind) {
    case 'pubKey':
      return !!key && (await signedByKey(r, key, ctx));
    case 'genericIssuer': {
      const c = r.certificate;
      if (!c?.trusted || c.identity.issuer !== rule.issuer || !c.identity.subjectAlternativeName)
        return false;
      const san = c.identity.subjectAlternativeName;
      return 'equal' in rule.subject ? san === rule.subject.equal : san.startsWith(rule.subject.urlPrefix);
    }
    case 'githubAction': {
      const c = r.certificate;
      if (!c?.trusted || c.identity.issuer !== GITHUB_ACTIONS_ISSUER || c.identity.sanType !== 'uri')
        return false;
      const gh = githubRepo(c.identity.subjectAlternativeName ?? '');
      return !!gh && gh.owner === rule.owner && (rule.repo === null || gh.repo === rule.repo);
    }
    case 'certificate': {
      if (!cert || !(await signedByKey(r, certKey(cert), ctx))) return false;
      if (!r.rekor) return !rule.requireRekorBundle;
      return r.rekor.integratedTime >= cert.notBefore && r.rekor.integratedTime <= cert.notAfter;
    }
  }
}

async function outcome(
  rule: SignatureRule,
  where: string,
  records: SignatureRecord[],
  ctx: Context,
): Promise<RuleOutcome> {
  let key: PublicKey | null = null;
  let cert: Certificate | null = null;
  try {
    if (rule.kind === 'pubKey') key = parsePublicKeyPem(rule.key, `${where} key`);
    if (rule.kind === 'certificate') cert = await configCertificate(rule, ctx.now);
  } catch (e) {
    return {
      rule,
      where,
      satisfied: false,
      matchedBy: [],
      explanation: `cannot create verifier for signature: ${toFailure(e).reason.replace(/^unexpected error: /, '')}`,
    };
  }
  const matchedBy: string[] = [];
  for (const r of records) if (await matches(rule, r, ctx, key, cert)) matchedBy.push(r.where);
  const usable = records.filter((r) => !r.problem).length;
  return {
    rule,
    where,
    satisfied: matchedBy.length > 0,
    matchedBy,
    explanation: matchedBy.length
      ? `satisfied by ${matchedBy.join(', ')}`
      : `none of the ${usable} usable signatures (of ${records.length}) satisfies it`,
  };
}

/** Evaluates the config against the signatures read for one policy digest. Never throws. */
export async function evaluateVerificationConfig(
  config: VerificationConfig,
  records: SignatureRecord[],
  ctx: { trustedRoot: TrustedRoot; now?: Date },
): Promise<PolicyDecision> {
  const c = { trustedRoot: ctx.trustedRoot, now: ctx.now ?? new Date() };
  const allOf = await Promise.all((config.allOf ?? []).map((r, i) => outcome(r, `allOf[${i}]`, records, c)));
  let anyOf: PolicyDecision['anyOf'] = null;
  if (config.anyOf) {
    const rules = await Promise.all(
      config.anyOf.signatures.map((r, i) => outcome(r, `anyOf.signatures[${i}]`, records, c)),
    );
    anyOf = {
      minimumMatches: config.anyOf.minimumMatches,
      satisfied: rules.filter((o) => o.satisfied).length,
      rules,
    };
  }
  const failedAll = allOf.filter((o) => !o.satisfied);
  let message = 'Policy successfully verified';
  if (failedAll.length)
    message = `Image verification failed: missing signatures; the following constraints were not satisfied: ${failedAll.map((o) => o.where).join(', ')}`;
  else if (anyOf && anyOf.satisfied < anyOf.minimumMatches) {
    message = `Image verification failed: minimum number of signatures not reached: needed ${anyOf.minimumMatches}, got ${anyOf.satisfied}`;
  }
  return { accepted: message === 'Policy successfully verified', allOf, anyOf, message };
}
