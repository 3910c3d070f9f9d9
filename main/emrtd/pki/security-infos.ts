import { FormatError } from '../../base/errors.js';
import { parseTlv } from '../../base/tlv.js';
import { expectTag, kids, raw, readOid, readSmallInt, readIntBytes, readBitString, readAlgId, type AlgorithmIdentifier } from './asn1.js';
import { OID } from './oids.js';

/**
 * The SecurityInfos of DG14 (ICAO 9303-11 §9.2) that Chip and Active Authentication use:
 * ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo and ActiveAuthenticationInfo.
 * Other SecurityInfos (PACEInfo, TerminalAuthenticationInfo ...) are kept by OID only.
 */
export const CA_OID = {
  pkDh: '0.4.0.127.0.7.2.2.1.1',
  pkEcdh: '0.4.0.127.0.7.2.2.1.2',
  caDh: '0.4.0.127.0.7.2.2.3.1',
  caEcdh: '0.4.0.127.0.7.2.2.3.2',
} as const;

export type CaCipher = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export interface ChipAuthenticationInfo {
  oid: string;
  agreement: 'DH' | 'ECDH';
  cipher: CaCipher;
  version: number;
  keyId?: bigint;
}

export interface ChipAuthenticationPublicKeyInfo {
  oid: string;
  agreement: 'DH' | 'ECDH';
  /** The chip's static public key as a SubjectPublicKeyInfo (DER). */
  spki: Uint8Array;
  algorithm: AlgorithmIdentifier;
  /** The public key bits (EC: the point; DH: the DER INTEGER y). */
  publicKey: Uint8Array;
  keyId?: bigint;
}

export interface ActiveAuthenticationInfo {
  version: number;
  signatureAlgorithm: string;
}

export interface SecurityInfos {
  chipAuthentication: ChipAuthenticationInfo[];
  chipAuthenticationPublicKeys: ChipAuthenticationPublicKeyInfo[];
  activeAuthentication?: ActiveAuthenticationInfo;
  otherOids: string[];
}

const CIPHERS: Record<string, CaCipher> = { '1': '3DES', '2': 'AES-128', '3': 'AES-192', '4': 'AES-256' };

/** Parses DG14 (tag 6E) or a bare SET OF SecurityInfo (tag 31). Throws FormatError. */
export function parseSecurityInfos(file: Uint8Array): SecurityInfos {
  let t = parseTlv(file, { allowIndefinite: true, maxDepth: 32 });
  if (t.tag === 0x6e) t = t.children?.[0] ?? ((): never => { throw new FormatError('DG14_MALFORMED', 'DG14 is empty'); })();
  const set = expectTag(t, 0x31, 'SecurityInfos');
  const out: SecurityInfos = { chipAuthentication: [], chipAuthenticationPublicKeys: [], otherOids: [] };
  for (const si of kids(set, 'SecurityInfos')) {
    const k = kids(expectTag(si, 0x30, 'SecurityInfo'), 'SecurityInfo');
    const oid = readOid(k[0], 'SecurityInfo protocol');
    if (oid.startsWith(CA_OID.caDh + '.') || oid.startsWith(CA_OID.caEcdh + '.')) {
      const cipher = CIPHERS[oid.split('.').pop()!];
      if (!cipher) {
        out.otherOids.push(oid);
        continue;
      }
      const info: ChipAuthenticationInfo = {
        oid,
        agreement: oid.startsWith(CA_OID.caEcdh) ? 'ECDH' : 'DH',
        cipher,
        version: readSmallInt(k[1], 'ChipAuthenticationInfo version'),
      };
      if (k[2]) info.keyId = bigint(readIntBytes(k[2], 'keyId'));
      out.chipAuthentication.push(info);
    } else if (oid === CA_OID.pkDh || oid === CA_OID.pkEcdh) {
      const spkiT = expectTag(k[1], 0x30, 'chipAuthenticationPublicKey');
      const sk = kids(spkiT, 'SubjectPublicKeyInfo');
      const info: ChipAuthenticationPublicKeyInfo = {
        oid,
        agreement: oid === CA_OID.pkEcdh ? 'ECDH' : 'DH',
        spki: raw(file, spkiT),
        algorithm: readAlgId(file, sk[0], 'chipAuthenticationPublicKey algorithm'),
        publicKey: readBitString(sk[1], 'chipAuthenticationPublicKey').bytes,
      };
      if (k[2]) info.keyId = bigint(readIntBytes(k[2], 'keyId'));
      out.chipAuthenticationPublicKeys.push(info);
    } else if (oid === OID.aaProtocol) {
      out.activeAuthentication = { version: readSmallInt(k[1], 'ActiveAuthenticationInfo version'), signatureAlgorithm: readOid(k[2], 'AA signatureAlgorithm') };
    } else out.otherOids.push(oid);
  }
  return out;
}

function bigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
