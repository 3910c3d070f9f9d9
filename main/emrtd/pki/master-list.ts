import { FormatError } from '../../base/errors.js';
import { expectTag, kids, parseAsn1, raw, readSmallInt } from './asn1.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { findSignerCertificate, parseSignedData, verifySignerInfo, type SignedData } from './cms.js';
import { OID } from './oids.js';

/** A CSCA master list (ICAO 9303-12 §9): CMS SignedData over CscaMasterList { version, certList }. */
export interface MasterList {
  signedData: SignedData;
  certificates: Certificate[];
  /** The master-list signer certificate (embedded), when found. */
  signer: Certificate | undefined;
  signingTime?: Date;
}

export function parseMasterList(input: Uint8Array): MasterList {
  const signedData = parseSignedData(input, 'master list');
  if (signedData.eContentType !== OID.cscaMasterList) {
    throw new FormatError('PKI_PARSE', `master list eContentType ${signedData.eContentType} is not id-icao-cscaMasterList`);
  }
  const c = signedData.eContent;
  const k = kids(expectTag(parseAsn1(c, 'CscaMasterList'), 0x30, 'CscaMasterList'), 'CscaMasterList');
  readSmallInt(k[0], 'CscaMasterList version');
  const certificates = kids(expectTag(k[1], 0x31, 'certList'), 'certList').map((t) => parseCertificate(raw(c, t)));
  const si = signedData.signerInfos[0]!;
  return {
    signedData,
    certificates,
    signer: findSignerCertificate(signedData, si),
    ...(si.signingTime ? { signingTime: si.signingTime } : {}),
  };
}

/** Whether the master list's CMS signature verifies with its embedded signer certificate. */
export function masterListSignatureValid(ml: MasterList): boolean {
  if (!ml.signer) return false;
  const si = ml.signedData.signerInfos[0]!;
  const r = verifySignerInfo(ml.signedData, si, ml.signer.spki);
  return r.signature.ok && r.messageDigestValid && r.contentTypeValid;
}
