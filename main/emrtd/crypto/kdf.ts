/** Key derivation function of ICAO 9303-11 §9.7.1, and the BAC key seed of §9.7.2. */
import { createHash } from 'node:crypto';
import { ascii, concatBytes } from '../../base/bytes.js';
import { adjustParity } from './des.js';

export type CipherSuite = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

/** Counter values of §9.7.1. */
export const KDF_ENC = 1;
export const KDF_MAC = 2;
export const KDF_PI = 3;

export function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/**
 * KDF(K, c) = H(K || c) with c a 32-bit big-endian counter; SHA-1 for 3DES and AES-128, SHA-256 for
 * AES-192/256. 3DES keys are the first 16 bytes with adjusted parity (two-key 3DES, K1 K2).
 */
export function kdf(secret: Uint8Array, counter: number, suite: CipherSuite): Uint8Array {
  const c = Uint8Array.of((counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
  const input = concatBytes(secret, c);
  switch (suite) {
    case '3DES':
      return adjustParity(sha1(input).subarray(0, 16));
    case 'AES-128':
      return sha1(input).slice(0, 16);
    case 'AES-192':
      return sha256(input).slice(0, 24);
    case 'AES-256':
      return sha256(input);
  }
}

/** K_seed = first 16 bytes of SHA-1(MRZ information) (§9.7.2); MRZ information is doc no + cd + birth + cd + expiry + cd. */
export function bacKeySeed(mrzInformation: string): Uint8Array {
  return sha1(ascii(mrzInformation)).slice(0, 16);
}

/** Session keys from a shared secret (BAC: K_seed or K_IFD xor K_IC; PACE: the ECDH x-coordinate). */
export function deriveKeys(secret: Uint8Array, suite: CipherSuite): { kEnc: Uint8Array; kMac: Uint8Array } {
  return { kEnc: kdf(secret, KDF_ENC, suite), kMac: kdf(secret, KDF_MAC, suite) };
}
