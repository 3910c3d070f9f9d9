import { createHash } from 'node:crypto';
import { encodeTlv } from '../../base/tlv.js';
import { der } from '../../emrtd/pki/der.js';
import { OID, digestOid, nodeHashName, type DigestName } from '../../emrtd/pki/oids.js';
import { buildSignedData, encodeName, type TestSigner } from './certs.js';

export interface BuildSodOptions {
  /** Data group number → the whole DG file bytes (tag included), exactly as the chip serves it. */
  dataGroups: Map<number, Uint8Array>;
  /** Hash of the data groups and of the signed attributes. Default SHA-256. */
  digest?: DigestName;
  signer: TestSigner;
  /** signingTime signed attribute; default 2026-01-15. Null leaves it out. */
  signingTime?: Date | null;
  /** LDS 1.8 version info (LDSSecurityObject v1), e.g. { ldsVersion: '0108', unicodeVersion: '040000' }. Absent: v0. */
  ldsVersionInfo?: { ldsVersion: string; unicodeVersion: string };
}

/**
 * Builds a real EF.SOD (ICAO 9303-10 §4.6.2, 9303-11/12): tag 0x77 around a CMS SignedData whose
 * eContent is the LDSSecurityObject listing the hash of every data group, signed by the Document
 * Signer with signed attributes (contentType, signingTime, messageDigest), DS certificate embedded.
 */
export function buildSod(o: BuildSodOptions): Uint8Array {
  const digest = o.digest ?? 'SHA-256';
  const entries = [...o.dataGroups.entries()].sort((a, b) => a[0] - b[0]);
  const hashes = entries.map(([n, bytes]) =>
    der.seq(der.uint(n), der.octets(new Uint8Array(createHash(nodeHashName(digest)).update(bytes).digest()))),
  );
  const versionInfo = o.ldsVersionInfo
    ? [der.seq(der.printable(o.ldsVersionInfo.ldsVersion), der.printable(o.ldsVersionInfo.unicodeVersion))]
    : [];
  const lso = der.seq(der.uint(o.ldsVersionInfo ? 1 : 0), der.algId(digestOid(digest)), der.seq(...hashes), ...versionInfo);
  const cms = buildSignedData({
    eContentType: OID.ldsSecurityObject,
    eContent: lso,
    digest,
    signer: {
      certificate: o.signer.certificate,
      key: o.signer.key,
      issuerName: encodeName(o.signer.issuer.name),
      serial: o.signer.serial,
    },
    ...(o.signingTime === null ? {} : { signingTime: o.signingTime ?? new Date('2026-01-15T10:00:00Z') }),
  });
  return encodeTlv(0x77, cms);
}

