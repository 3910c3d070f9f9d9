import { FormatError } from '../../base/errors.js';
import { parseFileTlv } from './util.js';

/**
 * DG14 (SecurityInfos for Chip Authentication, PACE, ...) and DG15 (Active Authentication public
 * key), ICAO 9303-10 §4.7.14/15 and 9303-11. Kept as bytes here: the DER inside is exposed raw for
 * main/emrtd/pki (Chip and Active Authentication), which owns its interpretation.
 */
export interface Dg14 {
  /** The DER SET OF SecurityInfo (tag 31), whole. */
  securityInfos: Uint8Array;
  /** Each SecurityInfo (a SEQUENCE) as DER, with its protocol OID in dotted form. */
  infos: { oid: string; der: Uint8Array }[];
}

export interface Dg15 {
  /** The SubjectPublicKeyInfo DER (tag 30), whole. */
  subjectPublicKeyInfo: Uint8Array;
}

export function parseDg14(bytes: Uint8Array): Dg14 {
  const tlv = parseFileTlv(bytes, 0x6e, 'DG14');
  const set = tlv.children?.[0];
  if (!set || set.tag !== 0x31) throw new FormatError('LDS_BAD_TAG', 'DG14: SET OF SecurityInfo (31) expected');
  const der = bytes.subarray(set.offset, set.offset + set.totalLength);
  const infos = (set.children ?? []).map((si) => {
    if (si.tag !== 0x30) throw new FormatError('LDS_BAD_TAG', 'DG14: SecurityInfo is not a SEQUENCE');
    const oidTlv = si.children?.[0];
    if (!oidTlv || oidTlv.tag !== 0x06) throw new FormatError('LDS_BAD_TAG', 'DG14: SecurityInfo does not start with an OID');
    return { oid: decodeOid(oidTlv.value), der: bytes.subarray(si.offset, si.offset + si.totalLength) };
  });
  return { securityInfos: der, infos };
}

export function parseDg15(bytes: Uint8Array): Dg15 {
  const tlv = parseFileTlv(bytes, 0x6f, 'DG15');
  const spki = tlv.children?.[0];
  if (!spki || spki.tag !== 0x30) throw new FormatError('LDS_BAD_TAG', 'DG15: SubjectPublicKeyInfo (30) expected');
  const der = bytes.subarray(spki.offset, spki.offset + spki.totalLength);
  return { subjectPublicKeyInfo: der };
}

/** Dotted OID from its DER content. */
export function decodeOid(v: Uint8Array): string {
  if (v.length === 0) throw new FormatError('LDS_BAD_OID', 'empty OID');
  const parts: number[] = [];
  let acc = 0;
  let first = true;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 256) throw new FormatError('LDS_BAD_OID', 'OID arc too large');
    if ((b & 0x80) === 0) {
      if (first) {
        const x = acc < 40 ? 0 : acc < 80 ? 1 : 2;
        parts.push(x, acc - x * 40);
        first = false;
      } else parts.push(acc);
      acc = 0;
    } else if (i === v.length - 1) throw new FormatError('LDS_BAD_OID', 'OID ends inside an arc');
  }
  return parts.join('.');
}
