import { FormatError } from '../../base/errors.js';
import { parseTlv } from '../../base/tlv.js';
import { expectTag, fail, kids, parseAsn1, readAlgId, readOctets, readSmallInt, readString } from './asn1.js';
import { parseSignedData, type SignedData } from './cms.js';
import { OID, digestByOid, type DigestName } from './oids.js';

/** EF.SOD (ICAO 9303-10 §4.6.2): tag 77 around a CMS SignedData whose eContent is the LDSSecurityObject. */
export interface Sod {
  signedData: SignedData;
  eContentType: string;
  ldsSecurityObjectVersion: number;
  digestAlgorithm: DigestName;
  /** DG number → hash. */
  dataGroupHashes: Map<number, Uint8Array>;
  ldsVersion?: string;
  unicodeVersion?: string;
}

/** eContentTypes accepted for the LDSSecurityObject: the current one, the legacy one, and id-data (seen on CN passports). */
export const SOD_CONTENT_TYPES = [OID.ldsSecurityObject, OID.ldsSecurityObjectLegacy, OID.data] as const;

/** Parses EF.SOD. Throws FormatError (code PKI_PARSE or SOD_CONTENT_TYPE) on anything malformed. */
export function parseSod(file: Uint8Array): Sod {
  if (file.length === 0) throw new FormatError('PKI_PARSE', 'EF.SOD is empty');
  if (file[0] !== 0x77) throw new FormatError('PKI_PARSE', 'EF.SOD does not start with tag 77');
  let inner: Uint8Array;
  try {
    inner = parseTlv(file, { allowIndefinite: true, maxDepth: 64 }).value;
  } catch (e) {
    throw new FormatError('PKI_PARSE', 'EF.SOD: bad tag 77 wrapper', {}, { cause: e });
  }
  const signedData = parseSignedData(inner, 'EF.SOD');
  if (!(SOD_CONTENT_TYPES as readonly string[]).includes(signedData.eContentType)) {
    throw new FormatError('SOD_CONTENT_TYPE', `EF.SOD eContentType ${signedData.eContentType} is not an LDS Security Object`);
  }
  const lso = parseAsn1(signedData.eContent, 'LDSSecurityObject');
  const k = kids(expectTag(lso, 0x30, 'LDSSecurityObject'), 'LDSSecurityObject');
  const version = readSmallInt(k[0], 'LDSSecurityObject version');
  if (version > 1) fail('LDSSecurityObject', `version ${version} unknown`);
  const alg = readAlgId(signedData.eContent, k[1], 'LDSSecurityObject hashAlgorithm');
  const digestAlgorithm = digestByOid(alg.oid) ?? fail('LDSSecurityObject', `hash algorithm ${alg.oid} unsupported`);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const e of kids(expectTag(k[2], 0x30, 'dataGroupHashValues'), 'dataGroupHashValues')) {
    const ek = kids(e, 'DataGroupHash');
    const n = readSmallInt(ek[0], 'dataGroupNumber');
    if (n < 1 || n > 16) fail('DataGroupHash', `data group number ${n} out of range`);
    if (dataGroupHashes.has(n)) fail('DataGroupHash', `data group ${n} listed twice`);
    dataGroupHashes.set(n, readOctets(ek[1], 'dataGroupHashValue'));
  }
  const sod: Sod = { signedData, eContentType: signedData.eContentType, ldsSecurityObjectVersion: version, digestAlgorithm, dataGroupHashes };
  if (k[3]?.tag === 0x30) {
    const v = kids(k[3], 'ldsVersionInfo');
    if (v[0]) sod.ldsVersion = readString(v[0]);
    if (v[1]) sod.unicodeVersion = readString(v[1]);
  }
  return sod;
}
