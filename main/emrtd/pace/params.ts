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

/** The MODP groups with prime order subgroups of RFC 5114 §2.1-2.3 (standardized ids 0, 1, 2). */
export type DhGroupName = 'modp1024-160' | 'modp2048-224' | 'modp2048-256';
export type PaceDomainName = PaceCurveName | DhGroupName;

export interface DhDomain {
  id: number;
  p: bigint;
  g: bigint;
  q: bigint;
}

export const DH_GROUPS: Record<DhGroupName, DhDomain> = {
  'modp1024-160': {
    id: 0,
    p: BigInt('0xB10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371'),
    g: BigInt('0xA4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5'),
    q: BigInt('0xF518AA8781A8DF278ABA4E7D64B7CB9D49462353'),
  },
  'modp2048-224': {
    id: 1,
    p: BigInt('0xAD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A66D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A317091883681286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A07415987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F'),
    g: BigInt('0xAC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98AE247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D119529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8ACB70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA'),
    q: BigInt('0x801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB'),
  },
  'modp2048-256': {
    id: 2,
    p: BigInt('0x87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597'),
    g: BigInt('0x3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659'),
    q: BigInt('0x8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3'),
  },
};

export const DH_GROUP_NAMES: readonly DhGroupName[] = ['modp1024-160', 'modp2048-224', 'modp2048-256'];

export function isDhGroup(name: PaceDomainName): name is DhGroupName {
  return name in DH_GROUPS;
}

/** Standardized parameter id of a curve or DH group. */
export function domainParameterId(name: PaceDomainName): number {
  return isDhGroup(name) ? DH_GROUPS[name].id : curveParameterId(name);
}

/** The curve or DH group of a standardized parameter id we can compute with. */
export function domainForParameterId(id: number): PaceDomainName | undefined {
  return curveForParameterId(id) ?? DH_GROUP_NAMES.find((n) => DH_GROUPS[n].id === id);
}
