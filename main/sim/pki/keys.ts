import { createHash } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { der } from '../../emrtd/pki/der.js';
import { OID, type DigestName, nodeHashName } from '../../emrtd/pki/oids.js';

/**
 * Deterministic EC key pairs for the test PKI: the secret scalar comes from a seed and a label, so
 * every process (the simulator and the reader in separate processes) derives the same CSCA, the
 * same Document Signers and the same certificates byte for byte (ECDSA signatures are RFC 6979
 * deterministic too). Test keys only: never use a seed-derived key for anything real.
 */
export type TestCurve = 'P-256' | 'P-384';

export interface TestKeyPair {
  curve: TestCurve;
  secretKey: Uint8Array;
  /** Uncompressed point 04 || X || Y. */
  publicPoint: Uint8Array;
  /** DER SubjectPublicKeyInfo (named curve). */
  spki: Uint8Array;
  /** ECDSA over `data` with the given hash; DER-encoded signature (X9.62 Ecdsa-Sig-Value). */
  sign(data: Uint8Array, hash: DigestName): Uint8Array;
  /** ECDSA over a precomputed digest; DER signature. */
  signDigest(digest: Uint8Array): Uint8Array;
}

function curveImpl(curve: TestCurve): typeof p256 {
  return curve === 'P-256' ? p256 : p384;
}

export function deriveTestKey(seed: string, label: string, curve: TestCurve = 'P-256'): TestKeyPair {
  const impl = curveImpl(curve);
  const len = curve === 'P-256' ? 32 : 48;
  let counter = 0;
  let sk: Uint8Array;
  do {
    const h = createHash(curve === 'P-256' ? 'sha256' : 'sha384').update(`${seed}\0${label}\0${counter++}`).digest();
    sk = new Uint8Array(h.subarray(0, len));
  } while (!impl.utils.isValidSecretKey(sk));
  const publicPoint = impl.getPublicKey(sk, false);
  const curveOid = curve === 'P-256' ? OID.prime256v1 : OID.secp384r1;
  const spki = der.seq(der.algId(OID.ecPublicKey, der.oid(curveOid)), der.bits(publicPoint));
  const signDigest = (digest: Uint8Array): Uint8Array => impl.sign(digest, sk, { prehash: false, format: 'der', lowS: false });
  return {
    curve,
    secretKey: sk,
    publicPoint,
    spki,
    signDigest,
    sign: (data, hash) => signDigest(new Uint8Array(createHash(nodeHashName(hash)).update(data).digest())),
  };
}

export function ecdsaSignatureOid(hash: DigestName): string {
  return {
    'SHA-1': OID.ecdsaWithSha1,
    'SHA-224': OID.ecdsaWithSha224,
    'SHA-256': OID.ecdsaWithSha256,
    'SHA-384': OID.ecdsaWithSha384,
    'SHA-512': OID.ecdsaWithSha512,
  }[hash];
}
