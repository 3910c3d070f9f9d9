/**
 * DH generic mapping (ICAO 9303-11 §4.4.3.3.1) over the RFC 5114 MODP groups: g' = g^s · h mod p
 * with h = PK_map^SK_map, then Diffie-Hellman on g'. Public values are unsigned big-endian
 * integers as long as p; received values are checked to lie in the order-q subgroup.
 */
import { bigIntToBytes, bytesToBigInt } from '../../base/bytes.js';
import { AccessControlError } from '../apdu.js';
import { DH_GROUPS, type DhDomain, type DhGroupName } from './params.js';
import type { RandomSource } from './ecdh-gm.js';

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    e >>= 1n;
    if (e > 0n) b = (b * b) % mod;
  }
  return result;
}

export class DhGroup {
  readonly domain: DhDomain;
  readonly pBytes: number;
  constructor(readonly name: DhGroupName) {
    this.domain = DH_GROUPS[name];
    this.pBytes = Math.ceil(this.domain.p.toString(2).length / 8);
  }

  randomScalar(random: RandomSource): bigint {
    const q = this.domain.q;
    const bits = q.toString(2).length;
    const len = Math.ceil(bits / 8);
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from(random(len));
      b[0] = b[0]! & (0xff >> (len * 8 - bits));
      const k = bytesToBigInt(b);
      if (k >= 1n && k < q) return k;
    }
    throw new AccessControlError('PACE_RANDOM', 'random source gives no valid exponent');
  }

  encode(y: bigint): Uint8Array {
    return bigIntToBytes(y, this.pBytes);
  }

  /** Decodes a public value and checks 1 < y < p-1 and y^q = 1 (subgroup membership). */
  decode(bytes: Uint8Array, what: string): bigint {
    const { p, q } = this.domain;
    if (bytes.length === 0 || bytes.length > this.pBytes) throw new AccessControlError('PACE_BAD_POINT', `${what} has a wrong length`);
    const y = bytesToBigInt(bytes);
    if (y <= 1n || y >= p - 1n || modPow(y, q, p) !== 1n) throw new AccessControlError('PACE_BAD_POINT', `${what} is not in the DH subgroup`);
    return y;
  }

  pow(base: bigint, exp: bigint): bigint {
    return modPow(base, exp, this.domain.p);
  }

  /** g' = g^s · h mod p, h = otherMapPublic^mapPrivate. */
  mapGenerator(nonce: Uint8Array, mapPrivate: bigint, otherMapPublic: bigint): bigint {
    const { p, g } = this.domain;
    const h = this.pow(otherMapPublic, mapPrivate);
    if (h === 1n) throw new AccessControlError('PACE_BAD_POINT', 'mapping gives the identity');
    const gHat = (this.pow(g, bytesToBigInt(nonce)) * h) % p;
    if (gHat === 1n) throw new AccessControlError('PACE_BAD_POINT', 'mapped generator is the identity');
    return gHat;
  }

  sharedSecret(priv: bigint, otherPublic: bigint): Uint8Array {
    const k = this.pow(otherPublic, priv);
    if (k === 1n) throw new AccessControlError('PACE_BAD_POINT', 'shared secret is the identity');
    return this.encode(k);
  }
}
