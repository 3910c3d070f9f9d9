/**
 * DES family with node:crypto. OpenSSL 3 moved single DES to the legacy provider, so single DES is
 * done as two-key 3DES with K1 = K2 (E_K D_K E_K = E_K), which the default provider has.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes } from '../../base/bytes.js';
import { UsageError } from '../../base/errors.js';
import { pad } from './padding.js';

const ZERO8 = new Uint8Array(8);

function run(decrypt: boolean, algo: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  if (data.length % 8 !== 0) throw new UsageError('CRYPTO_BLOCK', 'DES input is not a multiple of 8 bytes');
  const c = decrypt ? createDecipheriv(algo, key, iv) : createCipheriv(algo, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function tdesKey(key: Uint8Array): Uint8Array {
  if (key.length === 16) return key;
  if (key.length === 24) return key;
  throw new UsageError('CRYPTO_KEY', `3DES key of ${key.length} bytes`);
}

/** Two-key (16 bytes, K1K2K1) or three-key 3DES in CBC mode; IV defaults to zero. */
export function tdesCbcEncrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  const k = tdesKey(key);
  return run(false, k.length === 16 ? 'des-ede-cbc' : 'des-ede3-cbc', k, iv, data);
}

export function tdesCbcDecrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  const k = tdesKey(key);
  return run(true, k.length === 16 ? 'des-ede-cbc' : 'des-ede3-cbc', k, iv, data);
}

/** Single DES in CBC mode (8-byte key), via des-ede-cbc with K|K. */
export function desCbcEncrypt(key8: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  if (key8.length !== 8) throw new UsageError('CRYPTO_KEY', 'DES key must be 8 bytes');
  return run(false, 'des-ede-cbc', concatBytes(key8, key8), iv, data);
}

export function desDecryptBlock(key8: Uint8Array, block: Uint8Array): Uint8Array {
  if (key8.length !== 8) throw new UsageError('CRYPTO_KEY', 'DES key must be 8 bytes');
  return run(true, 'des-ede-cbc', concatBytes(key8, key8), ZERO8, block);
}

/**
 * Retail MAC: ISO/IEC 9797-1 MAC algorithm 3 with DES, padding method 2 (ICAO 9303-11 §9.2).
 * Key is 16 bytes (Ka | Kb). Pass `padded: true` when the caller already padded the input.
 */
export function retailMac(key: Uint8Array, data: Uint8Array, opts: { padded?: boolean } = {}): Uint8Array {
  if (key.length !== 16) throw new UsageError('CRYPTO_KEY', 'retail MAC key must be 16 bytes');
  const m = opts.padded ? data : pad(data, 8);
  if (m.length % 8 !== 0 || m.length === 0) throw new UsageError('CRYPTO_BLOCK', 'MAC input is not padded');
  const ka = key.subarray(0, 8);
  const kb = key.subarray(8, 16);
  // CBC-MAC with Ka over all blocks; the last block of the CBC output is H_q.
  const cbc = desCbcEncrypt(ka, m);
  const hq = cbc.subarray(cbc.length - 8);
  // Output transformation 3: E_Ka(D_Kb(H_q)).
  const d = desDecryptBlock(kb, hq);
  return desCbcEncrypt(ka, d);
}

/** Sets the DES odd-parity bit of every key byte (ICAO 9303-11 §9.7.1 asks for adjusted parity). */
export function adjustParity(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const b = key[i]! & 0xfe;
    let ones = 0;
    for (let j = 1; j < 8; j++) ones += (b >> j) & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}
