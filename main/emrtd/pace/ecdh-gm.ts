/**
 * ECDH generic mapping (ICAO 9303-11 §4.4.3.3.1) and the PACE helpers both sides share:
 * nonce encryption with K_pi, G' = s·G + H, ephemeral keys, shared secret, authentication tokens.
 */
import { bigIntToBytes, bytesToBigInt } from '../../base/bytes.js';
import { encodeTlv } from '../../base/tlv.js';
import { AccessControlError } from '../apdu.js';
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac } from '../crypto/aes.js';
import { retailMac, tdesCbcDecrypt, tdesCbcEncrypt } from '../crypto/des.js';
import type { CipherSuite } from '../crypto/kdf.js';
import { encodeOid } from './oid.js';
import { curvePoint, type CurvePoint, type PaceCurveName } from './params.js';

export type RandomSource = (length: number) => Uint8Array;

export function encryptNonce(suite: CipherSuite, kPi: Uint8Array, s: Uint8Array): Uint8Array {
  return suite === '3DES' ? tdesCbcEncrypt(kPi, s) : aesCbcEncrypt(kPi, s);
}

export function decryptNonce(suite: CipherSuite, kPi: Uint8Array, z: Uint8Array): Uint8Array {
  const bs = suite === '3DES' ? 8 : 16;
  if (z.length === 0 || z.length % bs !== 0) throw new AccessControlError('PACE_BAD_NONCE', 'encrypted nonce is not a whole number of blocks');
  return suite === '3DES' ? tdesCbcDecrypt(kPi, z) : aesCbcDecrypt(kPi, z);
}

/** Nonce length the chip picks: one cipher block (8 bytes for 3DES, 16 for AES). */
export function nonceLength(suite: CipherSuite): number {
  return suite === '3DES' ? 8 : 16;
}

export class EcGroup {
  readonly Point;
  readonly n: bigint;
  readonly fieldBytes: number;
  constructor(readonly curve: PaceCurveName) {
    this.Point = curvePoint(curve);
    this.n = this.Point.Fn.ORDER;
    this.fieldBytes = this.Point.Fp.BYTES;
  }

  /** A private key 1 <= k < n from the random source (rejection sampling, top bits masked). */
  randomScalar(random: RandomSource): bigint {
    const bits = this.n.toString(2).length;
    const len = Math.ceil(bits / 8);
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from(random(len));
      const excess = len * 8 - bits;
      b[0] = b[0]! & (0xff >> excess);
      const k = bytesToBigInt(b);
      if (k >= 1n && k < this.n) return k;
    }
    throw new AccessControlError('PACE_RANDOM', 'random source gives no valid scalar');
  }

  /** Decodes and validates an uncompressed point (on the curve, not infinity). */
  decodePoint(bytes: Uint8Array, what: string): CurvePoint {
    if (bytes.length !== 1 + 2 * this.fieldBytes || bytes[0] !== 0x04) {
      throw new AccessControlError('PACE_BAD_POINT', `${what} is not an uncompressed point on ${this.curve}`);
    }
    try {
      const p = this.Point.fromBytes(bytes);
      p.assertValidity();
      return p;
    } catch (e) {
      throw new AccessControlError('PACE_BAD_POINT', `${what} is not a valid point on ${this.curve}`, {}, { cause: e });
    }
  }

  encodePoint(p: CurvePoint): Uint8Array {
    return p.toBytes(false);
  }

  /** G' = s·G + H with H = sk·PK (generic mapping). */
  mapGenerator(nonce: Uint8Array, mapPrivate: bigint, otherMapPublic: CurvePoint): CurvePoint {
    const h = otherMapPublic.multiply(mapPrivate);
    if (h.equals(this.Point.ZERO)) throw new AccessControlError('PACE_BAD_POINT', 'mapping gives the point at infinity');
    const s = bytesToBigInt(nonce) % this.n;
    if (s === 0n) throw new AccessControlError('PACE_BAD_NONCE', 'nonce is zero modulo the group order');
    const g = this.Point.BASE.multiply(s).add(h);
    if (g.equals(this.Point.ZERO)) throw new AccessControlError('PACE_BAD_POINT', 'mapped generator is the point at infinity');
    return g;
  }

  /** Shared secret: x-coordinate of sk·PK, as many bytes as the field. */
  sharedSecret(priv: bigint, otherPublic: CurvePoint): Uint8Array {
    const k = otherPublic.multiply(priv);
    if (k.equals(this.Point.ZERO)) throw new AccessControlError('PACE_BAD_POINT', 'shared secret is the point at infinity');
    return bigIntToBytes(k.toAffine().x, this.fieldBytes);
  }
}

/**
 * Public key data object for the authentication token (§4.4.3.4, §9.4.1): 7F49 { 06 OID, 86 point }
 * for ECDH, 7F49 { 06 OID, 84 public value } for DH.
 */
export function publicKeyDataObject(protocolOid: string, publicKey: Uint8Array, tag: 0x86 | 0x84 = 0x86): Uint8Array {
  return encodeTlv(0x7f49, encodeTlv(0x06, encodeOid(protocolOid)), encodeTlv(tag, publicKey));
}

/** T = MAC(KS_MAC, public key data object): CMAC truncated to 8 bytes for AES, retail MAC for 3DES. */
export function authenticationToken(suite: CipherSuite, ksMac: Uint8Array, protocolOid: string, otherPublicKey: Uint8Array, tag: 0x86 | 0x84 = 0x86): Uint8Array {
  const data = publicKeyDataObject(protocolOid, otherPublicKey, tag);
  return suite === '3DES' ? retailMac(ksMac, data) : aesCmac(ksMac, data).slice(0, 8);
}

/** Builds 7C { tag value } dynamic authentication data. */
export function dynamicAuthData(tag?: number, value?: Uint8Array): Uint8Array {
  return tag === undefined ? Uint8Array.of(0x7c, 0x00) : encodeTlv(0x7c, encodeTlv(tag, value ?? new Uint8Array(0)));
}

export function scalarBytes(group: EcGroup, k: bigint): Uint8Array {
  return bigIntToBytes(k, Math.ceil(group.n.toString(2).length / 8));
}

