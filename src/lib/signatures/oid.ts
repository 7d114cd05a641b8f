/** Object identifiers the verifier looks at (RFC 5280, RFC 6962, RFC 3161, Fulcio's OID registry). */

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ed25519: '1.3.101.112',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  rsaSha256: '1.2.840.113549.1.1.11',
  rsaSha384: '1.2.840.113549.1.1.12',
  rsaSha512: '1.2.840.113549.1.1.13',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  ekuCodeSigning: '1.3.6.1.5.5.7.3.3',
  ekuTimeStamping: '1.3.6.1.5.5.7.3.8',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  /** Fulcio: OIDC issuer, raw bytes (deprecated, still written). */
  fulcioIssuerV1: '1.3.6.1.4.1.57264.1.1',
  /** Fulcio: GitHub workflow trigger, SHA, name, repository, ref (raw bytes, deprecated). */
  fulcioGithubTrigger: '1.3.6.1.4.1.57264.1.2',
  fulcioGithubSha: '1.3.6.1.4.1.57264.1.3',
  fulcioGithubName: '1.3.6.1.4.1.57264.1.4',
  fulcioGithubRepository: '1.3.6.1.4.1.57264.1.5',
  fulcioGithubRef: '1.3.6.1.4.1.57264.1.6',
  /** Fulcio: OIDC issuer as a DER UTF8String. */
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
  fulcioBuildSignerUri: '1.3.6.1.4.1.57264.1.9',
  fulcioSourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  fulcioSourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
} as const;

/** Signature algorithm OID → hash and key family, for certificate and CMS signatures. */
export const SIGNATURE_ALGORITHMS: Record<
  string,
  { hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | null; family: 'ecdsa' | 'rsa' | 'ed25519' }
> = {
  [OID.ecdsaSha256]: { hash: 'SHA-256', family: 'ecdsa' },
  [OID.ecdsaSha384]: { hash: 'SHA-384', family: 'ecdsa' },
  [OID.ecdsaSha512]: { hash: 'SHA-512', family: 'ecdsa' },
  [OID.rsaSha256]: { hash: 'SHA-256', family: 'rsa' },
  [OID.rsaSha384]: { hash: 'SHA-384', family: 'rsa' },
  [OID.rsaSha512]: { hash: 'SHA-512', family: 'rsa' },
  [OID.ed25519]: { hash: null, family: 'ed25519' },
};

/** Hash algorithm OID → WebCrypto name. */
export const HASH_ALGORITHMS: Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512'> = {
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};
