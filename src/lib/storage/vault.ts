/**
 * The optional passphrase that encrypts remembered credentials: AES-GCM (256-bit) under a key derived with
 * PBKDF2-HMAC-SHA-256 from the passphrase and a random salt. The key is made non-extractable and lives only in the
 * tab's memory; what IndexedDB keeps is the salt, a check value and each secret's ciphertext.
 */

/** PBKDF2 iterations: OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 600_000;

/** Ciphertext with its nonce; stored as it is. */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

/** What IndexedDB keeps about the passphrase: never the passphrase or the key. */
export interface VaultRecord {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  /** A known text sealed under the key: opening it tells a right passphrase from a wrong one. */
  check: Sealed;
}

const CHECK_TEXT = 'wasmlens-vault-v1';
const subtle = () => globalThis.crypto.subtle;
const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));

async function deriveKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle().deriveKey(
    { name: 'PBKDF2', salt, iterations, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Encrypts `text` under `key` with a fresh 96-bit nonce. */
export async function seal(key: CryptoKey, text: string): Promise<Sealed> {
  const iv = random(12);
  const data = new Uint8Array(
    await subtle().encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text)),
  );
  return { iv, data };
}

/** Decrypts what {@link seal} made; null when the key is wrong or the bytes were changed (GCM's tag fails). */
export async function unseal(key: CryptoKey, sealed: Sealed): Promise<string | null> {
  try {
    return new TextDecoder().decode(
      await subtle().decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.data),
    );
  } catch {
    return null;
  }
}

/** A new vault for `passphrase`: the record to store and the key to keep in memory. */
export async function createVault(
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<{ record: VaultRecord; key: CryptoKey }> {
  const salt = random(16);
  const key = await deriveKey(passphrase, salt, iterations);
  return { record: { salt, iterations, check: await seal(key, CHECK_TEXT) }, key };
}

/** The key for `passphrase`, or null when it is not the vault's passphrase. */
export async function unlockVault(record: VaultRecord, passphrase: string): Promise<CryptoKey | null> {
  const key = await deriveKey(passphrase, record.salt, record.iterations);
  return (await unseal(key, record.check)) === CHECK_TEXT ? key : null;
}

const isBytes = (v: unknown): v is Uint8Array<ArrayBuffer> => v instanceof Uint8Array;

/** Checks a stored value before use (another version, a tampered profile). */
export function isSealed(v: unknown): v is Sealed {
  return !!v && typeof v === 'object' && isBytes((v as Sealed).iv) && isBytes((v as Sealed).data);
}

export function isVaultRecord(v: unknown): v is VaultRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as VaultRecord;
  return isBytes(r.salt) && Number.isSafeInteger(r.iterations) && r.iterations >= 1000 && isSealed(r.check);
}
