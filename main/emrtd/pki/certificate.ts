import { createHash } from 'node:crypto';
import { toHex } from '../../base/bytes.js';
import type { Tlv } from '../../base/tlv.js';
import {
  expectTag,
  fail,
  kids,
  parseAsn1,
  readAlgId,
  readBitString,
  readIntBytes,
  readName,
  readOctets,
  readOid,
  readTime,
  serialHex,
  type AlgorithmIdentifier,
  type NameInfo,
} from './asn1.js';
import { definiteOf } from './der.js';
import { OID, oidName } from './oids.js';
import { describeKey, verifySignature, type SignatureCheck } from './signature.js';

/** An X.509 certificate as the PKI code needs it (RFC 5280; ICAO 9303-12 §7.1 profile). */
export interface Certificate {
  der: Uint8Array;
  /** Bytes the issuer signed (tbsCertificate, DER). */
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  serialNumber: string;
  issuer: NameInfo;
  subject: NameInfo;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  publicKey: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  keyUsage?: { digitalSignature: boolean; keyCertSign: boolean; cRLSign: boolean };
  /** basicConstraints cA; undefined when the extension is absent. */
  isCa?: boolean;
  /** SHA-256 of the DER, hex: the certificate's identity in the trust store. */
  fingerprint: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  publicKey: string;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  fingerprint: string;
}

export function summarize(c: Certificate): CertificateSummary {
  return {
    subject: c.subject.text,
    issuer: c.issuer.text,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    signatureAlgorithm: oidName(c.signatureAlgorithm.oid),
    publicKey: c.publicKey,
    subjectKeyId: c.subjectKeyId ?? null,
    authorityKeyId: c.authorityKeyId ?? null,
    fingerprint: c.fingerprint,
  };
}

export function parseCertificate(input: Uint8Array): Certificate {
  const what = 'certificate';
  const top = parseAsn1(input, what);
  const buf = input;
  const [tbsT, algT, sigT] = kids(expectTag(top, 0x30, what), what);
  const tbsK = kids(expectTag(tbsT, 0x30, 'tbsCertificate'), 'tbsCertificate');
  let i = 0;
  if (tbsK[0]?.tag === 0xa0) i++;
  const serial = readIntBytes(tbsK[i++], 'serialNumber');
  i++; // signature AlgorithmIdentifier (repeated outside)
  const issuer = readName(buf, tbsK[i++], 'issuer');
  const validity = kids(expectTag(tbsK[i++], 0x30, 'validity'), 'validity');
  const subject = readName(buf, tbsK[i++], 'subject');
  const spkiT = expectTag(tbsK[i++], 0x30, 'subjectPublicKeyInfo');
  const spki = definiteOf(buf, spkiT);
  const cert: Certificate = {
    der: definiteOf(buf, top),
    tbs: definiteOf(buf, tbsT!),
    signatureAlgorithm: readAlgId(buf, algT, 'signatureAlgorithm'),
    signature: readBitString(sigT, 'signatureValue').bytes,
    serialNumber: serialHex(serial),
    issuer,
    subject,
    notBefore: readTime(validity[0], 'notBefore'),
    notAfter: readTime(validity[1], 'notAfter'),
    spki,
    publicKey: describeKey(spki),
    fingerprint: '',
  };
  cert.fingerprint = createHash('sha256').update(cert.der).digest('hex');
  for (; i < tbsK.length; i++) {
    const t = tbsK[i]!;
    if (t.tag === 0xa3) readExtensions(cert, t);
  }
  return cert;
}

function readExtensions(cert: Certificate, t: Tlv): void {
  const list = kids(expectTag(t.children?.[0], 0x30, 'extensions'), 'extensions');
  for (const ext of list) {
    const k = kids(ext, 'extension');
    const oid = readOid(k[0], 'extnID');
    const valueT = k[k.length - 1];
    const value = readOctets(valueT, 'extnValue');
    try {
      const v = parseAsn1(value, oid);
      if (oid === OID.subjectKeyIdentifier) cert.subjectKeyId = toHex(readOctets(v, 'subjectKeyIdentifier'));
      else if (oid === OID.authorityKeyIdentifier) {
        const kid = v.children?.find((c) => c.tag === 0x80);
        if (kid) cert.authorityKeyId = toHex(kid.value);
      } else if (oid === OID.keyUsage) {
        const { bytes } = readBitString(v, 'keyUsage');
        const b0 = bytes[0] ?? 0;
        cert.keyUsage = { digitalSignature: (b0 & 0x80) !== 0, keyCertSign: (b0 & 0x04) !== 0, cRLSign: (b0 & 0x02) !== 0 };
      } else if (oid === OID.basicConstraints) {
        const first = v.children?.[0];
        cert.isCa = first?.tag === 0x01 ? first.value[0] !== 0 : false;
      }
    } catch {
      // An unreadable non-critical extension is ignored; the fields stay undefined.
    }
  }
}

/** Verifies `cert`'s signature with `issuer`'s public key. */
export function verifyCertificateSignature(cert: Certificate, issuerSpki: Uint8Array): SignatureCheck {
  return verifySignature({ algorithm: cert.signatureAlgorithm, spki: issuerSpki, data: cert.tbs, signature: cert.signature });
}

/** Reads PEM blocks of a label, or returns the input as one DER object when it is not PEM. */
export function pemBlocks(input: Uint8Array, labels: string[]): { label: string; der: Uint8Array }[] | undefined {
  const text = Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN ')) return undefined;
  const out: { label: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (!labels.includes(m[1]!)) continue;
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(m[2]!.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')) });
  }
  if (out.length === 0) fail('PEM', 'no block with a known label');
  return out;
}
