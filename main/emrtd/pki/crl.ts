import { toHex } from '../../base/bytes.js';
import { expectTag, kids, parseAsn1, readAlgId, readBitString, readIntBytes, readName, readOctets, readOid, readTime, serialHex, type AlgorithmIdentifier, type NameInfo } from './asn1.js';
import { definiteOf } from './der.js';
import { OID } from './oids.js';
import { verifySignature, type SignatureCheck } from './signature.js';

/** A certificate revocation list (RFC 5280 §5), as published by a CSCA (ICAO 9303-12 §7.1.4). */
export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: NameInfo;
  thisUpdate: Date;
  nextUpdate?: Date;
  authorityKeyId?: string;
  crlNumber?: string;
  /** Revoked serial numbers (upper-case hex) → revocation date. */
  revoked: Map<string, Date>;
}

export function parseCrl(input: Uint8Array): Crl {
  const what = 'CRL';
  const top = parseAsn1(input, what);
  const [tbsT, algT, sigT] = kids(expectTag(top, 0x30, what), what);
  const k = kids(expectTag(tbsT, 0x30, 'tbsCertList'), 'tbsCertList');
  let i = 0;
  if (k[0]?.tag === 0x02) i++; // version
  i++; // signature
  const issuer = readName(input, k[i++], 'CRL issuer');
  const thisUpdate = readTime(k[i++], 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (k[i] && (k[i]!.tag === 0x17 || k[i]!.tag === 0x18)) nextUpdate = readTime(k[i++], 'nextUpdate');
  const revoked = new Map<string, Date>();
  if (k[i]?.tag === 0x30) {
    for (const r of k[i++]!.children ?? []) {
      const rk = kids(r, 'revokedCertificate');
      revoked.set(serialHex(readIntBytes(rk[0], 'userCertificate')), readTime(rk[1], 'revocationDate'));
    }
  }
  const crl: Crl = {
    der: definiteOf(input, top),
    tbs: definiteOf(input, tbsT!),
    signatureAlgorithm: readAlgId(input, algT, 'CRL signatureAlgorithm'),
    signature: readBitString(sigT, 'CRL signature').bytes,
    issuer,
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    revoked,
  };
  if (k[i]?.tag === 0xa0) {
    for (const ext of kids(k[i]!.children?.[0], 'crlExtensions')) {
      const ek = kids(ext, 'extension');
      const oid = readOid(ek[0], 'extnID');
      try {
        const v = parseAsn1(readOctets(ek[ek.length - 1], 'extnValue'), oid);
        if (oid === OID.authorityKeyIdentifier) {
          const kid = v.children?.find((c) => c.tag === 0x80);
          if (kid) crl.authorityKeyId = toHex(kid.value);
        } else if (oid === OID.cRLNumber) crl.crlNumber = serialHex(v.value);
      } catch {}
    }
  }
  return crl;
}

export function verifyCrlSignature(crl: Crl, issuerSpki: Uint8Array): SignatureCheck {
  return verifySignature({ algorithm: crl.signatureAlgorithm, spki: issuerSpki, data: crl.tbs, signature: crl.signature });
}
