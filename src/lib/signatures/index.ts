/** Public names of the signatures library: Sigstore bundle verification, trusted roots, cosign formats, Kubewarden's verification config. */
export { SignatureError, type SignatureCheck, type Failure } from './errors';
export {
  verifyBundle,
  type VerifyBundleOptions,
  type BundleVerification,
  type Verified,
  type Signer,
} from './verify-bundle';
export {
  parseBundle,
  bundleVersion,
  MAX_BUNDLE_CHARS,
  type Bundle,
  type BundleVersion,
  type TlogEntry,
} from './bundle';
export {
  parseTrustedRoot,
  MAX_TRUSTED_ROOT_CHARS,
  type TrustedRoot,
  type TrustedRootResult,
  type TransparencyLog,
  type CertificateAuthority,
} from './trusted-root';
export {
  publicGoodTrustedRoot,
  PUBLIC_GOOD_TRUSTED_ROOT_INFO,
  PUBLIC_GOOD_TRUSTED_ROOT_JSON,
} from './public-good';
export { signerIdentity, type SignerIdentity, type Matcher } from './identity';
export { parsePublicKeyPem, describeKey, type PublicKey } from './keys';
export { parseCertificate, type Certificate, type SubjectAltName } from './x509';
export { parseStatement, pae, type Artifact, type Statement } from './dsse';
export {
  readCosignSignatures,
  readBundleSignature,
  bundleLayers,
  signedByKey,
  COSIGN_ANNOTATIONS,
  COSIGN_PAYLOAD_TYPE,
  type SignatureRecord,
  type ReadOptions,
  type BlobSource,
} from './cosign';
export {
  parseVerificationConfig,
  MAX_CONFIG_CHARS,
  type VerificationConfig,
  type SignatureRule,
  type ConfigIssue,
  type ConfigResult,
} from './verification-config';
export {
  evaluateVerificationConfig,
  satisfiesAnnotations,
  GITHUB_ACTIONS_ISSUER,
  type PolicyDecision,
  type RuleOutcome,
} from './policy';
export {
  verifyFetched,
  keyLabel,
  formatTime,
  SIGN_PREDICATE,
  type FetchedSignatures,
  type VerifyJob,
  type VerifyRequest,
  type VerifyResponse,
  type Assessment,
  type SignatureView,
  type Signer as VerifiedSigner,
} from './assess';
