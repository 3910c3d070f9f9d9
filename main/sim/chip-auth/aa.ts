import crypto, { type KeyObject } from 'node:crypto';
import { concatBytes } from '../../base/bytes.js';
import { HASH_TRAILER_ID } from '../../emrtd/aa.js';
import { nodeHashName, type DigestName } from '../../emrtd/pki/oids.js';
import { hashBytes } from '../../emrtd/pki/signature.js';
import type { ChipCommand, ChipContext, ChipExtension } from '../chip/types.js';

/**
 * Active Authentication on the virtual chip (ICAO 9303-11 §6.1): INTERNAL AUTHENTICATE (INS 88)
 * with an 8-byte challenge, answered with an RSA ISO/IEC 9796-2 scheme 1 signature (partial
 * recovery, trailer BC for SHA-1 or 'hash id' CC for SHA-2) or an ECDSA signature (plain r||s, or DER
 * as some chips send it).
 */
export type AaKeySpec =
  | { type: 'rsa'; bits?: number; hash?: DigestName }
  | { type: 'ec'; curve?: string; hash?: DigestName; form?: 'plain' | 'der' };

export interface AaKey {
  spec: AaKeySpec;
  privateKey: KeyObject;
  /** SubjectPublicKeyInfo (DER) for DG15. */
  spki: Uint8Array;
}

export function generateAaKey(spec: AaKeySpec = { type: 'rsa', bits: 1024 }): AaKey {
  const pair =
    spec.type === 'rsa'
      ? crypto.generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 1024, publicExponent: 0x10001 })
      : crypto.generateKeyPairSync('ec', { namedCurve: spec.curve ?? 'prime256v1' });
  return { spec, privateKey: pair.privateKey, spki: new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })) };
}

/** The chip's answer to a challenge. */
export function aaSign(key: AaKey, challenge: Uint8Array): Uint8Array {
  const spec = key.spec;
  if (spec.type === 'ec') {
    return new Uint8Array(
      crypto.sign(nodeHashName(spec.hash ?? 'SHA-256'), challenge, { key: key.privateKey, dsaEncoding: spec.form === 'der' ? 'der' : 'ieee-p1363' }),
    );
  }
  const hash = spec.hash ?? 'SHA-1';
  const k = (key.privateKey.asymmetricKeyDetails?.modulusLength ?? 1024) / 8;
  const hLen = hashBytes(hash, new Uint8Array(0)).length;
  const t = hash === 'SHA-1' ? 1 : 2;
  const m1 = new Uint8Array(crypto.randomBytes(k - hLen - t - 1));
  return rsaSignRaw(key, iso9796Scheme1Message(m1, challenge, hash));
}

/**
 * F = 6A || M1 || H(M1 || M2) || trailer (ISO/IEC 9796-2 scheme 1, partial recovery; ICAO 9303-11
 * Appendix F steps 7-9), M2 the challenge; trailer BC for SHA-1, else the hash id and CC.
 */
export function iso9796Scheme1Message(m1: Uint8Array, challenge: Uint8Array, hash: DigestName = 'SHA-1'): Uint8Array {
  const trailer = hash === 'SHA-1' ? Uint8Array.of(0xbc) : Uint8Array.of(HASH_TRAILER_ID[hash], 0xcc);
  return concatBytes(Uint8Array.of(0x6a), m1, hashBytes(hash, concatBytes(m1, challenge)), trailer);
}

/** s = F^d mod n (the RSA private operation without padding). */
export function rsaSignRaw(key: AaKey, f: Uint8Array): Uint8Array {
  return new Uint8Array(crypto.privateEncrypt({ key: key.privateKey, padding: crypto.constants.RSA_NO_PADDING }, f));
}

export function createActiveAuthExtension(key: AaKey): ChipExtension {
  return {
    handle(cmd: ChipCommand, _ctx: ChipContext) {
      if (cmd.ins !== 0x88) return undefined;
      if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) return { data: new Uint8Array(0), sw: 0x6a86 };
      if (cmd.data.length !== 8) return { data: new Uint8Array(0), sw: 0x6700 };
      return { data: aaSign(key, cmd.data), sw: 0x9000 };
    },
  };
}
