import { createHash } from 'node:crypto';
import { concatBytes } from '../../base/bytes.js';
import { der } from '../../emrtd/pki/der.js';
import { OID, type DigestName } from '../../emrtd/pki/oids.js';
import { deriveTestKey, ecdsaSignatureOid, type TestCurve, type TestKeyPair } from './keys.js';

/**
 * X.509 building blocks of the test PKI (RFC 5280 profile of ICAO 9303 Part 12): CSCA
 * self-signed certificates, link certificates, Document Signer certificates, CRLs and CSCA master
 * lists. Everything is DER built by hand so that every field is exactly what a test needs.
 */
export interface DistinguishedName {
  country: string;
  organization?: string;
  organizationalUnit?: string;
  commonName: string;
  serialNumber?: string;
}

export interface TestCa {
  name: DistinguishedName;
  key: TestKeyPair;
  /** DER certificate (self-signed, or a link certificate when issued by another CA). */
  certificate: Uint8Array;
  subjectKeyId: Uint8Array;
  hash: DigestName;
}

export interface TestSigner {
  name: DistinguishedName;
  key: TestKeyPair;
  certificate: Uint8Array;
  serial: bigint;
  issuer: TestCa;
  hash: DigestName;
}

export function encodeName(n: DistinguishedName): Uint8Array {
  const rdn = (oid: string, value: Uint8Array): Uint8Array => der.set(der.seq(der.oid(oid), value));
  const parts = [rdn(OID.countryName, der.printable(n.country))];
  if (n.organization) parts.push(rdn(OID.organizationName, der.utf8(n.organization)));
  if (n.organizationalUnit) parts.push(rdn(OID.organizationalUnitName, der.utf8(n.organizationalUnit)));
  if (n.serialNumber) parts.push(rdn(OID.serialNumber, der.printable(n.serialNumber)));
  parts.push(rdn(OID.commonName, der.utf8(n.commonName)));
  return der.seq(...parts);
}

function keyId(spkiPoint: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spkiPoint).digest());
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? der.seq(der.oid(oid), der.bool(true), der.octets(value)) : der.seq(der.oid(oid), der.octets(value));
}

export interface CertOptions {
  serial: bigint;
  subject: DistinguishedName;
  subjectKey: TestKeyPair;
  issuerName: DistinguishedName;
  issuerKey: TestKeyPair;
  issuerKeyId: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  hash: DigestName;
  /** Key usage bits as the first byte of the BIT STRING (0x80 digitalSignature, 0x06 keyCertSign|cRLSign). */
  keyUsage?: number;
}

/** Builds and signs a v3 certificate. */
export function buildCertificate(o: CertOptions): Uint8Array {
  const sigAlg = der.algId(ecdsaSignatureOid(o.hash));
  const ski = keyId(o.subjectKey.publicPoint);
  const ku = o.keyUsage ?? (o.ca ? 0x06 : 0x80);
  const unused = o.ca ? 1 : 7;
  const exts = [
    extension(OID.authorityKeyIdentifier, false, der.seq(der.ctxPrim(0, o.issuerKeyId))),
    extension(OID.subjectKeyIdentifier, false, der.octets(ski)),
    extension(OID.keyUsage, true, der.bits(Uint8Array.of(ku), unused)),
  ];
  if (o.ca) exts.push(extension(OID.basicConstraints, true, der.seq(der.bool(true), der.uint(0))));
  const tbs = der.seq(
    der.ctx(0, der.uint(2)),
    der.uint(o.serial),
    sigAlg,
    encodeName(o.issuerName),
    der.seq(der.time(o.notBefore), der.time(o.notAfter)),
    encodeName(o.subject),
    o.subjectKey.spki,
    der.ctx(3, der.seq(...exts)),
  );
  return der.seq(tbs, sigAlg, der.bits(o.issuerKey.sign(tbs, o.hash)));
}

export interface CaOptions {
  seed: string;
  name: DistinguishedName;
  curve?: TestCurve;
  hash?: DigestName;
  notBefore?: Date;
  notAfter?: Date;
  serial?: bigint;
}

export function createTestCa(o: CaOptions): TestCa {
  const key = deriveTestKey(o.seed, `csca:${o.name.country}:${o.name.commonName}`, o.curve ?? 'P-256');
  const ski = keyId(key.publicPoint);
  const hash = o.hash ?? 'SHA-256';
  const certificate = buildCertificate({
    serial: o.serial ?? 1n,
    subject: o.name,
    subjectKey: key,
    issuerName: o.name,
    issuerKey: key,
    issuerKeyId: ski,
    notBefore: o.notBefore ?? new Date('2024-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2039-01-01T00:00:00Z'),
    ca: true,
    hash,
  });
  return { name: o.name, key, certificate, subjectKeyId: ski, hash };
}

/** A link certificate: the new CSCA's name and key, signed by the old CSCA (ICAO 9303-12 §5.1.1). */
export function createLinkCertificate(oldCa: TestCa, newCa: TestCa, serial = 2n): Uint8Array {
  return buildCertificate({
    serial,
    subject: newCa.name,
    subjectKey: newCa.key,
    issuerName: oldCa.name,
    issuerKey: oldCa.key,
    issuerKeyId: oldCa.subjectKeyId,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2039-01-01T00:00:00Z'),
    ca: true,
    hash: oldCa.hash,
  });
}

export interface SignerOptions {
  seed: string;
  issuer: TestCa;
  name: DistinguishedName;
  serial: bigint;
  notBefore?: Date;
  notAfter?: Date;
  hash?: DigestName;
  keyUsage?: number;
}

export function issueDocumentSigner(o: SignerOptions): TestSigner {
  const key = deriveTestKey(o.seed, `ds:${o.name.country}:${o.name.commonName}:${o.serial}`, 'P-256');
  const hash = o.hash ?? o.issuer.hash;
  const certificate = buildCertificate({
    serial: o.serial,
    subject: o.name,
    subjectKey: key,
    issuerName: o.issuer.name,
    issuerKey: o.issuer.key,
    issuerKeyId: o.issuer.subjectKeyId,
    notBefore: o.notBefore ?? new Date('2025-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2036-01-01T00:00:00Z'),
    ca: false,
    hash,
    ...(o.keyUsage !== undefined ? { keyUsage: o.keyUsage } : {}),
  });
  return { name: o.name, key, certificate, serial: o.serial, issuer: o.issuer, hash };
}

export interface CrlOptions {
  revoked: { serial: bigint; date: Date }[];
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber?: bigint;
}

/** A v2 CRL signed by the CA (RFC 5280 §5; ICAO 9303-12 §7.1.4). */
export function buildCrl(ca: TestCa, o: CrlOptions): Uint8Array {
  const sigAlg = der.algId(ecdsaSignatureOid(ca.hash));
  const revoked = o.revoked.map((r) => der.seq(der.uint(r.serial), der.time(r.date)));
  const exts = der.ctx(
    0,
    der.seq(
      extension(OID.authorityKeyIdentifier, false, der.seq(der.ctxPrim(0, ca.subjectKeyId))),
      extension(OID.cRLNumber, false, der.uint(o.crlNumber ?? 1n)),
    ),
  );
  const tbs = der.seq(
    der.uint(1),
    sigAlg,
    encodeName(ca.name),
    der.time(o.thisUpdate),
    der.time(o.nextUpdate),
    ...(revoked.length ? [der.seq(...revoked)] : []),
    exts,
  );
  return der.seq(tbs, sigAlg, der.bits(ca.key.sign(tbs, ca.hash)));
}

/** Content-info wrapper of a CMS SignedData with one signer (issuerAndSerialNumber) and signed attributes. */
export function buildSignedData(o: {
  eContentType: string;
  eContent: Uint8Array;
  digest: DigestName;
  signer: { certificate: Uint8Array; key: TestKeyPair; issuerName: Uint8Array; serial: bigint };
  signingTime?: Date;
  extraCertificates?: Uint8Array[];
}): Uint8Array {
  const digestAlg = der.algId(digestOidOf(o.digest), null);
  const md = new Uint8Array(createHash(o.digest.replace('-', '').toLowerCase()).update(o.eContent).digest());
  const attrs = [
    der.seq(der.oid(OID.contentType), der.set(der.oid(o.eContentType))),
    ...(o.signingTime ? [der.seq(der.oid(OID.signingTime), der.set(der.time(o.signingTime)))] : []),
    der.seq(der.oid(OID.messageDigest), der.set(der.octets(md))),
  ];
  const signedAttrsSet = der.set(...attrs);
  const signature = o.signer.key.sign(signedAttrsSet, o.digest);
  const signedAttrs = concatBytes(Uint8Array.of(0xa0), signedAttrsSet.subarray(1));
  const signerInfo = der.seq(
    der.uint(1),
    der.seq(o.signer.issuerName, der.uint(o.signer.serial)),
    digestAlg,
    signedAttrs,
    der.algId(ecdsaSignatureOid(o.digest)),
    der.octets(signature),
  );
  const signedData = der.seq(
    der.uint(3),
    der.set(digestAlg),
    der.seq(der.oid(o.eContentType), der.ctx(0, der.octets(o.eContent))),
    der.ctx(0, o.signer.certificate, ...(o.extraCertificates ?? [])),
    der.set(signerInfo),
  );
  return der.seq(der.oid(OID.signedData), der.ctx(0, signedData));
}

function digestOidOf(d: DigestName): string {
  return { 'SHA-1': OID.sha1, 'SHA-224': OID.sha224, 'SHA-256': OID.sha256, 'SHA-384': OID.sha384, 'SHA-512': OID.sha512 }[d];
}

/** A CSCA master list (ICAO 9303-12 §9): CMS SignedData over CscaMasterList { version 0, certList }. */
export function buildMasterList(o: { signer: TestSigner; certificates: Uint8Array[]; signingTime?: Date }): Uint8Array {
  const content = der.seq(der.uint(0), der.set(...o.certificates));
  return buildSignedData({
    eContentType: OID.cscaMasterList,
    eContent: content,
    digest: o.signer.hash,
    signer: { certificate: o.signer.certificate, key: o.signer.key, issuerName: encodeName(o.signer.issuer.name), serial: o.signer.serial },
    signingTime: o.signingTime ?? new Date('2026-01-01T00:00:00Z'),
    extraCertificates: [o.signer.issuer.certificate],
  });
}
