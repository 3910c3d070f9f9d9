import { concatBytes, timingSafeEqualBytes, toHex } from '../../base/bytes.js';
import type { Tlv } from '../../base/tlv.js';
import { expectTag, fail, kids, parseAsn1, raw, readAlgId, readIntBytes, readName, readOctets, readOid, readSmallInt, readTime, serialHex, type AlgorithmIdentifier, type NameInfo } from './asn1.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { definiteOf } from './der.js';
import { OID, digestByOid, type DigestName } from './oids.js';
import { hashBytes, verifySignature, type SignatureCheck } from './signature.js';

/** CMS SignedData (RFC 5652 §5) as used by EF.SOD, master lists and EF.CardSecurity; BER accepted. */
export interface SignedData {
  eContentType: string;
  eContent: Uint8Array;
  certificates: Certificate[];
  signerInfos: SignerInfo[];
}

export interface SignerInfo {
  sid: { issuer: NameInfo; serialNumber: string } | { subjectKeyId: string };
  digestAlgorithm: AlgorithmIdentifier;
  digest: DigestName | undefined;
  /** DER of the signed attributes as a SET (tag 31), i.e. the bytes the signature covers. */
  signedAttrs?: Uint8Array;
  contentType?: string;
  messageDigest?: Uint8Array;
  signingTime?: Date;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
}

export function parseSignedData(input: Uint8Array, what: string): SignedData {
  const ci = kids(expectTag(parseAsn1(input, what), 0x30, what), what);
  if (readOid(ci[0], `${what} contentType`) !== OID.signedData) fail(what, 'ContentInfo is not signedData');
  const sdT = expectTag(kids(expectTag(ci[1], 0xa0, `${what} content`), what)[0], 0x30, `${what} SignedData`);
  const k = kids(sdT, 'SignedData');
  let i = 0;
  readSmallInt(k[i++], 'SignedData version');
  expectTag(k[i++], 0x31, 'digestAlgorithms');
  const eci = kids(expectTag(k[i++], 0x30, 'encapContentInfo'), 'encapContentInfo');
  const eContentType = readOid(eci[0], 'eContentType');
  const ecT = eci[1];
  if (!ecT) fail(what, 'no eContent');
  const eContent = readOctets(expectTag(ecT, 0xa0, 'eContent').children?.[0], 'eContent');
  const certificates: Certificate[] = [];
  if (k[i]?.tag === 0xa0) {
    for (const c of k[i++]!.children ?? []) if (c.tag === 0x30) certificates.push(parseCertificate(raw(input, c)));
  }
  if (k[i]?.tag === 0xa1) i++; // crls
  const signerInfos = kids(expectTag(k[i], 0x31, 'signerInfos'), 'signerInfos').map((s) => parseSignerInfo(input, s));
  if (signerInfos.length === 0) fail(what, 'no SignerInfo');
  return { eContentType, eContent, certificates, signerInfos };
}

function parseSignerInfo(buf: Uint8Array, t: Tlv): SignerInfo {
  const k = kids(expectTag(t, 0x30, 'SignerInfo'), 'SignerInfo');
  let i = 1;
  const sidT = k[i++];
  let sid: SignerInfo['sid'];
  if (sidT?.tag === 0x30) {
    const s = kids(sidT, 'issuerAndSerialNumber');
    sid = { issuer: readName(buf, s[0], 'sid issuer'), serialNumber: serialHex(readIntBytes(s[1], 'sid serial')) };
  } else if (sidT?.tag === 0x80) sid = { subjectKeyId: toHex(sidT.value) };
  else return fail('SignerInfo', 'bad signer identifier');
  const digestAlgorithm = readAlgId(buf, k[i++], 'SignerInfo digestAlgorithm');
  const si: SignerInfo = {
    sid,
    digestAlgorithm,
    digest: digestByOid(digestAlgorithm.oid),
    signatureAlgorithm: { oid: '' },
    signature: new Uint8Array(0),
  };
  if (k[i]?.tag === 0xa0) {
    const attrsT = k[i++]!;
    const encoded = definiteOf(buf, attrsT);
    si.signedAttrs = concatBytes(Uint8Array.of(0x31), encoded.subarray(1));
    for (const a of attrsT.children ?? []) {
      const ak = kids(a, 'Attribute');
      const type = readOid(ak[0], 'attrType');
      const v = kids(expectTag(ak[1], 0x31, 'attrValues'), 'attrValues')[0];
      if (type === OID.contentType) si.contentType = readOid(v, 'contentType attribute');
      else if (type === OID.messageDigest) si.messageDigest = readOctets(v, 'messageDigest attribute');
      else if (type === OID.signingTime) {
        try {
          si.signingTime = readTime(v, 'signingTime');
        } catch {}
      }
    }
  }
  si.signatureAlgorithm = readAlgId(buf, k[i++], 'SignerInfo signatureAlgorithm');
  si.signature = readOctets(k[i++], 'SignerInfo signature');
  return si;
}

/**
 * The certificate a SignerInfo names: exact issuer + serial, then the same RDNs in another order
 * (some states encode the issuer differently in the SignerInfo, e.g. MY), then the sole embedded
 * certificate. The signature check decides in the end.
 */
export function findSignerCertificate(sd: SignedData, si: SignerInfo): Certificate | undefined {
  const sid = si.sid;
  if ('subjectKeyId' in sid) return sd.certificates.find((c) => c.subjectKeyId === sid.subjectKeyId) ?? soleCert(sd);
  const exact = sd.certificates.find((c) => c.serialNumber === sid.serialNumber && timingSafeEqualBytes(c.issuer.der, sid.issuer.der));
  if (exact) return exact;
  const loose = sd.certificates.find((c) => c.serialNumber === sid.serialNumber && c.issuer.key === sid.issuer.key);
  return loose ?? sd.certificates.find((c) => c.serialNumber === sid.serialNumber) ?? soleCert(sd);
}

function soleCert(sd: SignedData): Certificate | undefined {
  return sd.certificates.length === 1 ? sd.certificates[0] : undefined;
}

export interface SignerCheck {
  /** messageDigest attribute equals the hash of the eContent (true when there are no signed attributes). */
  messageDigestValid: boolean;
  /** contentType attribute equals eContentType. */
  contentTypeValid: boolean;
  signature: SignatureCheck;
}

/** Checks one SignerInfo against a signer public key (RFC 5652 §5.4, §5.6). */
export function verifySignerInfo(sd: SignedData, si: SignerInfo, spki: Uint8Array): SignerCheck {
  const digest = si.digest;
  let messageDigestValid = false;
  let contentTypeValid = true;
  let data = sd.eContent;
  if (si.signedAttrs) {
    messageDigestValid = !!digest && !!si.messageDigest && timingSafeEqualBytes(hashBytes(digest, sd.eContent), si.messageDigest);
    contentTypeValid = si.contentType === sd.eContentType;
    data = si.signedAttrs;
  } else messageDigestValid = true;
  const signature = verifySignature({
    algorithm: si.signatureAlgorithm,
    ...(digest ? { digestHint: digest } : {}),
    spki,
    data,
    signature: si.signature,
  });
  return { messageDigestValid, contentTypeValid, signature };
}
