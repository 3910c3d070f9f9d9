/**
 * One interface over the two kinds of PACE domain parameters (elliptic curves and MODP groups),
 * so that the terminal (pace.ts) and the virtual chip run the same protocol code on both.
 * Public keys cross the interface as their wire encodings.
 */
import { bytesEqual } from '../../base/bytes.js';
import { AccessControlError } from '../apdu.js';
import { DhGroup } from './dh-gm.js';
import { EcGroup, type RandomSource } from './ecdh-gm.js';
import { isDhGroup, type PaceDomainName } from './params.js';

/** An opaque mapped generator G' (a point or a residue). */
export interface MappedGenerator {
  readonly kind: 'mapped-generator';
}

export interface PaceGroup {
  readonly name: PaceDomainName;
  readonly agreement: 'ECDH' | 'DH';
  /** Tag of the public key in the public key data object of the tokens: 86 (EC point) or 84 (DH value). */
  readonly publicKeyTag: 0x86 | 0x84;
  randomPrivate(random: RandomSource): bigint;
  /** Public key on the standard generator. */
  basePublic(sk: bigint): Uint8Array;
  /** Checks a received public key (on the curve / in the subgroup). Throws AccessControlError 'PACE_BAD_POINT'. */
  validate(pk: Uint8Array, what: string): void;
  map(nonce: Uint8Array, mapPrivate: bigint, otherMapPublic: Uint8Array): MappedGenerator;
  publicOn(gen: MappedGenerator, sk: bigint): Uint8Array;
  sharedSecret(sk: bigint, otherPublic: Uint8Array): Uint8Array;
  /** Relative cost of one exponentiation / scalar multiplication (256-bit EC = 1), for chip timing. */
  readonly cost: number;
}

class EcPaceGroup implements PaceGroup {
  readonly agreement = 'ECDH' as const;
  readonly publicKeyTag = 0x86 as const;
  private readonly g: EcGroup;
  readonly cost: number;
  constructor(readonly name: PaceDomainName & EcGroup['curve']) {
    this.g = new EcGroup(name);
    this.cost = this.g.fieldBytes <= 32 ? 1 : this.g.fieldBytes <= 48 ? 2.2 : 4.5;
  }
  randomPrivate(random: RandomSource): bigint {
    return this.g.randomScalar(random);
  }
  basePublic(sk: bigint): Uint8Array {
    return this.g.encodePoint(this.g.Point.BASE.multiply(sk));
  }
  validate(pk: Uint8Array, what: string): void {
    this.g.decodePoint(pk, what);
  }
  map(nonce: Uint8Array, mapPrivate: bigint, otherMapPublic: Uint8Array): MappedGenerator {
    const gHat = this.g.mapGenerator(nonce, mapPrivate, this.g.decodePoint(otherMapPublic, 'mapping key'));
    return { kind: 'mapped-generator', gHat } as MappedGenerator;
  }
  publicOn(gen: MappedGenerator, sk: bigint): Uint8Array {
    return this.g.encodePoint((gen as unknown as { gHat: ReturnType<EcGroup['mapGenerator']> }).gHat.multiply(sk));
  }
  sharedSecret(sk: bigint, otherPublic: Uint8Array): Uint8Array {
    return this.g.sharedSecret(sk, this.g.decodePoint(otherPublic, 'ephemeral key'));
  }
}

class DhPaceGroup implements PaceGroup {
  readonly agreement = 'DH' as const;
  readonly publicKeyTag = 0x84 as const;
  private readonly g: DhGroup;
  readonly cost: number;
  constructor(readonly name: PaceDomainName & DhGroup['name']) {
    this.g = new DhGroup(name);
    this.cost = this.g.pBytes > 128 ? 3 : 1.2;
  }
  randomPrivate(random: RandomSource): bigint {
    return this.g.randomScalar(random);
  }
  basePublic(sk: bigint): Uint8Array {
    return this.g.encode(this.g.pow(this.g.domain.g, sk));
  }
  validate(pk: Uint8Array, what: string): void {
    this.g.decode(pk, what);
  }
  map(nonce: Uint8Array, mapPrivate: bigint, otherMapPublic: Uint8Array): MappedGenerator {
    const gHat = this.g.mapGenerator(nonce, mapPrivate, this.g.decode(otherMapPublic, 'mapping key'));
    return { kind: 'mapped-generator', gHat } as MappedGenerator;
  }
  publicOn(gen: MappedGenerator, sk: bigint): Uint8Array {
    return this.g.encode(this.g.pow((gen as unknown as { gHat: bigint }).gHat, sk));
  }
  sharedSecret(sk: bigint, otherPublic: Uint8Array): Uint8Array {
    return this.g.sharedSecret(sk, this.g.decode(otherPublic, 'ephemeral key'));
  }
}

export function createPaceGroup(name: PaceDomainName): PaceGroup {
  return isDhGroup(name) ? new DhPaceGroup(name) : new EcPaceGroup(name);
}

/** PACE requires the two ephemeral public keys to differ (§4.4.3.3.2). */
export function assertDifferent(a: Uint8Array, b: Uint8Array): void {
  if (bytesEqual(a, b)) throw new AccessControlError('PACE_BAD_POINT', 'the chip\'s ephemeral key equals the terminal\'s');
}
