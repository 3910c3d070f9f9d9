/** Object identifiers used by EF.SOD, X.509 certificates, CRLs and master lists (ICAO 9303 Part 10-12, RFC 5652/5280/3279/4055/5758, BSI TR-03111). */
export const OID = {
  // CMS
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // ICAO
  ldsSecurityObject: '2.23.136.1.1.1',
  ldsSecurityObjectLegacy: '1.3.27.1.1.1',
  cscaMasterList: '2.23.136.1.1.2',
  bsiSecurityObject: '0.4.0.127.0.7.3.2.1',
  // digests
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RSA
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha224WithRSA: '1.2.840.113549.1.1.14',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  // EC
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // BSI TR-03111 plain ECDSA (r||s)
  ecdsaPlainSha1: '0.4.0.127.0.7.1.1.4.1.1',
  ecdsaPlainSha224: '0.4.0.127.0.7.1.1.4.1.2',
  ecdsaPlainSha256: '0.4.0.127.0.7.1.1.4.1.3',
  ecdsaPlainSha384: '0.4.0.127.0.7.1.1.4.1.4',
  ecdsaPlainSha512: '0.4.0.127.0.7.1.1.4.1.5',
  // curves
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  brainpoolP256r1: '1.3.36.3.3.2.8.1.1.7',
  brainpoolP384r1: '1.3.36.3.3.2.8.1.1.11',
  brainpoolP512r1: '1.3.36.3.3.2.8.1.1.13',
  // X.509 attributes and extensions
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  documentTypeList: '2.23.136.1.1.6.2',
  // Active Authentication (ICAO 9303-11 §6.1)
  aaProtocol: '2.23.136.1.1.5',
} as const;

export type DigestName = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const DIGEST_BY_OID: Record<string, DigestName> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

export function digestByOid(oid: string): DigestName | undefined {
  return DIGEST_BY_OID[oid];
}

export function digestOid(name: DigestName): string {
  for (const [oid, n] of Object.entries(DIGEST_BY_OID)) if (n === name) return oid;
  throw new Error(`no OID for ${name}`);
}

/** node:crypto hash name of a digest. */
export function nodeHashName(d: DigestName): string {
  return d.replace('-', '').toLowerCase();
}

export function digestLength(d: DigestName): number {
  return { 'SHA-1': 20, 'SHA-224': 28, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[d];
}

const NAMES: Record<string, string> = {
  [OID.rsaEncryption]: 'rsaEncryption',
  [OID.sha1WithRSA]: 'sha1WithRSAEncryption',
  [OID.sha224WithRSA]: 'sha224WithRSAEncryption',
  [OID.sha256WithRSA]: 'sha256WithRSAEncryption',
  [OID.sha384WithRSA]: 'sha384WithRSAEncryption',
  [OID.sha512WithRSA]: 'sha512WithRSAEncryption',
  [OID.rsassaPss]: 'rsassaPss',
  [OID.ecdsaWithSha1]: 'ecdsa-with-SHA1',
  [OID.ecdsaWithSha224]: 'ecdsa-with-SHA224',
  [OID.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [OID.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [OID.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [OID.ecdsaPlainSha1]: 'ecdsa-plain-SHA1',
  [OID.ecdsaPlainSha224]: 'ecdsa-plain-SHA224',
  [OID.ecdsaPlainSha256]: 'ecdsa-plain-SHA256',
  [OID.ecdsaPlainSha384]: 'ecdsa-plain-SHA384',
  [OID.ecdsaPlainSha512]: 'ecdsa-plain-SHA512',
  [OID.ldsSecurityObject]: 'id-icao-mrtd-security-ldsSecurityObject',
  [OID.ldsSecurityObjectLegacy]: 'ldsSecurityObject (legacy 1.3.27.1.1.1)',
  [OID.data]: 'id-data',
};

export function oidName(oid: string): string {
  return NAMES[oid] ?? DIGEST_BY_OID[oid] ?? oid;
}
