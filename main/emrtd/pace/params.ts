/**
 * PACE protocol identifiers and standardized domain parameters (ICAO 9303-11 §9.2.1, §9.5.1;
 * BSI TR-03110-3 A.1.1) and the elliptic curves we can compute on (@noble/curves).
 */
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { CipherSuite } from '../crypto/kdf.js';

export const ID_PACE = '0.4.0.127.0.7.2.2.4';

export type PaceCurveName = 'brainpoolP256r1' | 'brainpoolP384r1' | 'brainpoolP512r1' | 'P-256' | 'P-384' | 'P-521';
export type PaceMapping = 'GM' | 'IM' | 'CAM';
export type PaceAgreement = 'DH' | 'ECDH';

const MAPPINGS: Record<string, { agreement: PaceAgreement; mapping: PaceMapping; name: string }> = {
  '1': { agreement: 'DH', mapping: 'GM', name: 'DH-GM' },
  '2': { agreement: 'ECDH', mapping: 'GM', name: 'ECDH-GM' },
  '3': { agreement: 'DH', mapping: 'IM', name: 'DH-IM' },
  '4': { agreement: 'ECDH', mapping: 'IM', name: 'ECDH-IM' },
  '6': { agreement: 'ECDH', mapping: 'CAM', name: 'ECDH-CAM' },
};

const CIPHERS: Record<string, { cipher: CipherSuite; name: string }> = {
  '1': { cipher: '3DES', name: '3DES-CBC-CBC' },
  '2': { cipher: 'AES-128', name: 'AES-CBC-CMAC-128' },
  '3': { cipher: 'AES-192', name: 'AES-CBC-CMAC-192' },
  '4': { cipher: 'AES-256', name: 'AES-CBC-CMAC-256' },
};

export interface PaceProtocol {
  oid: string;
  /** e.g. 'id-PACE-ECDH-GM-AES-CBC-CMAC-128'. */
  name: string;
  agreement: PaceAgreement;
  mapping: PaceMapping;
  cipher: CipherSuite;
}

/** Describes a PACE protocol OID, or undefined when the OID is not a PACE protocol. */
export function describePaceOid(oid: string): PaceProtocol | undefined {
  if (!oid.startsWith(ID_PACE + '.')) return undefined;
  const rest = oid.slice(ID_PACE.length + 1).split('.');
  if (rest.length !== 2) return undefined;
  const m = MAPPINGS[rest[0]!];
  const c = CIPHERS[rest[1]!];
  if (!m || !c) return undefined;
  return { oid, name: `id-PACE-${m.name}-${c.name}`, agreement: m.agreement, mapping: m.mapping, cipher: c.cipher };
}

export function paceOid(agreement: PaceAgreement, mapping: PaceMapping, cipher: CipherSuite): string {
  const m = Object.entries(MAPPINGS).find(([, v]) => v.agreement === agreement && v.mapping === mapping)![0];
  const c = Object.entries(CIPHERS).find(([, v]) => v.cipher === cipher)![0];
  return `${ID_PACE}.${m}.${c}`;
}

/** Standardized domain parameter ids (ICAO 9303-11 §9.5.1). */
export const STANDARD_DOMAIN_PARAMETERS: Record<number, string> = {
  0: '1024-bit MODP Group with 160-bit Prime Order Subgroup',
  1: '2048-bit MODP Group with 224-bit Prime Order Subgroup',
  2: '2048-bit MODP Group with 256-bit Prime Order Subgroup',
  8: 'NIST P-192',
  9: 'brainpoolP192r1',
  10: 'NIST P-224',
  11: 'brainpoolP224r1',
  12: 'NIST P-256',
  13: 'brainpoolP256r1',
  14: 'brainpoolP320r1',
  15: 'NIST P-384',
  16: 'brainpoolP384r1',
  17: 'brainpoolP512r1',
  18: 'NIST P-521',
};

const CURVE_IDS: Record<PaceCurveName, number> = {
  'P-256': 12,
  brainpoolP256r1: 13,
  'P-384': 15,
  brainpoolP384r1: 16,
  brainpoolP512r1: 17,
  'P-521': 18,
};

export function curveParameterId(curve: PaceCurveName): number {
  return CURVE_IDS[curve];
}

export function curveForParameterId(id: number): PaceCurveName | undefined {
  return (Object.entries(CURVE_IDS) as [PaceCurveName, number][]).find(([, v]) => v === id)?.[0];
}

const NOBLE = {
  'P-256': p256,
  'P-384': p384,
  'P-521': p521,
  brainpoolP256r1,
  brainpoolP384r1,
  brainpoolP512r1,
} as const;

export type CurvePoint = ReturnType<typeof p256.Point.fromBytes>;
export type CurvePointCons = typeof p256.Point;

export function curvePoint(curve: PaceCurveName): CurvePointCons {
  return NOBLE[curve].Point;
}

export const PACE_CURVES: readonly PaceCurveName[] = ['brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1', 'P-256', 'P-384', 'P-521'];
