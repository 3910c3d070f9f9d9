import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../main/base/bytes.js';
import { encodeTlv } from '../../../main/base/tlv.js';
import {
  der,
  MemoryTrustStore,
  OID,
  parseCertificate,
  parseCrl,
  parseSod,
  passiveAuthenticateSync,
  verifySignature,
} from '../../../main/emrtd/pki/index.js';
import { mgf1 } from '../../../main/emrtd/pki/signature.js';
import { buildCrl, buildSignedData, buildSod, encodeName, issueDocumentSigner, testPki } from '../../../main/sim/pki/index.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const pki = testPki();
const trusted = (): MemoryTrustStore => new MemoryTrustStore([parseCertificate(pki.csca.certificate)], [parseCrl(pki.crl)]);
const DG1 = Uint8Array.of(0x61, 0x03, 0x5f, 0x1f, 0x00);
const codes = (r: { reasons: { code: string }[] }): string[] => r.reasons.map((x) => x.code);

/** EMSA-PSS encoding (RFC 8017 §9.1.1) with separate message and MGF1 hashes, then s = EM^d mod n. */
function pssSign(priv: crypto.KeyObject, bits: number, data: Uint8Array, hash: string, mgfHash: 'SHA-1' | 'SHA-256', sLen: number): Uint8Array {
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const mHash = crypto.createHash(hash).update(data).digest();
  const salt = crypto.randomBytes(sLen);
  const h = crypto.createHash(hash).update(concatBytes(new Uint8Array(8), mHash, salt)).digest();
  const ps = new Uint8Array(emLen - sLen - h.length - 2);
  const db = concatBytes(ps, Uint8Array.of(1), salt);
  const mask = mgf1(mgfHash, h, db.length);
  const masked = db.map((v, i) => v ^ mask[i]!);
  masked[0] = masked[0]! & (0xff >> (8 * emLen - emBits));
  const em = concatBytes(masked, h, Uint8Array.of(0xbc));
  return new Uint8Array(crypto.privateEncrypt({ key: priv, padding: crypto.constants.RSA_NO_PADDING }, em));
}

describe('signature algorithms', () => {
  it('RSASSA-PSS with SHA-256 and MGF1-SHA-1 (parameters read from the AlgorithmIdentifier)', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const data = new TextEncoder().encode('signed attributes');
    const sig = pssSign(privateKey, 2048, data, 'sha256', 'SHA-1', 32);
    const params = der.seq(
      der.ctx(0, der.algId(OID.sha256, null)),
      der.ctx(1, der.algId(OID.mgf1, der.algId(OID.sha1, null))),
      der.ctx(2, der.uint(32)),
    );
    const ok = verifySignature({ algorithm: { oid: OID.rsassaPss, params }, spki, data, signature: sig });
    expect(ok).toMatchObject({ ok: true, algorithm: 'rsassaPss(SHA-256, MGF1 SHA-1, salt 32)' });
    expect(verifySignature({ algorithm: { oid: OID.rsassaPss, params }, spki, data: data.subarray(1), signature: sig }).ok).toBe(false);
    // Same parameters with MGF1-SHA-256 do not verify a MGF1-SHA-1 signature.
    const wrong = der.seq(der.ctx(0, der.algId(OID.sha256, null)), der.ctx(1, der.algId(OID.mgf1, der.algId(OID.sha256, null))), der.ctx(2, der.uint(32)));
    expect(verifySignature({ algorithm: { oid: OID.rsassaPss, params: wrong }, spki, data, signature: sig }).ok).toBe(false);
  });

  it('plain ECDSA (BSI TR-03111 r||s) and an unknown algorithm', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'brainpoolP384r1' });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const data = Uint8Array.of(1, 2, 3);
    const sig = new Uint8Array(crypto.sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifySignature({ algorithm: { oid: OID.ecdsaPlainSha384 }, spki, data, signature: sig }).ok).toBe(true);
    expect(verifySignature({ algorithm: { oid: OID.ecdsaWithSha384 }, spki, data, signature: sig }).ok).toBe(false);
    const unknown = verifySignature({ algorithm: { oid: '1.2.3.4' }, spki, data, signature: sig });
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toMatch(/unsupported/);
  });
});

describe('EF.SOD variants', () => {
  const sign = (eContentType: string, o: { digest?: 'SHA-1' | 'SHA-512'; signer?: typeof pki.signers.valid } = {}) => {
    const signer = o.signer ?? pki.signers.valid;
    const lso = der.seq(der.uint(0), der.algId(o.digest === 'SHA-1' ? OID.sha1 : o.digest === 'SHA-512' ? OID.sha512 : OID.sha256), der.seq(der.seq(der.uint(1), der.octets(new Uint8Array(crypto.createHash((o.digest ?? 'SHA-256').replace('-', '').toLowerCase()).update(DG1).digest())))));
    return encodeTlv(0x77, buildSignedData({ eContentType, eContent: lso, digest: o.digest ?? 'SHA-256', signer: { certificate: signer.certificate, key: signer.key, issuerName: encodeName(signer.issuer.name), serial: signer.serial }, signingTime: new Date('2026-01-15Z') }));
  };

  it('the legacy LDS Security Object content type 1.3.27.1.1.1 is accepted', () => {
    const sod = sign(OID.ldsSecurityObjectLegacy);
    expect(parseSod(sod).eContentType).toBe(OID.ldsSecurityObjectLegacy);
    expect(passiveAuthenticateSync({ sod, dataGroups: { DG1 }, trustStore: trusted(), now: NOW }).status).toBe('valid');
  });

  it('SHA-1 and SHA-512 digests', () => {
    for (const digest of ['SHA-1', 'SHA-512'] as const) {
      const sod = buildSod({ dataGroups: new Map([[1, DG1]]), signer: pki.signers.valid, digest });
      const r = passiveAuthenticateSync({ sod, dataGroups: { DG1 }, trustStore: trusted(), now: NOW });
      expect(r.status).toBe('valid');
      expect(r.sod?.digestAlgorithm).toBe(digest);
    }
  });

  it('another content type (a master list in an EF.SOD) is invalid', () => {
    const r = passiveAuthenticateSync({ sod: sign(OID.cscaMasterList), dataGroups: {}, trustStore: trusted(), now: NOW });
    expect(r.status).toBe('invalid');
    expect(codes(r)).toEqual(['SOD_CONTENT_TYPE']);
  });

  it('a Document Signer not allowed to sign (keyUsage without digitalSignature) → invalid', () => {
    const ds = issueDocumentSigner({ seed: 'paths', issuer: pki.csca, name: { country: 'UT', commonName: 'DS no KU' }, serial: 0x3001n, keyUsage: 0x20 });
    const r = passiveAuthenticateSync({ sod: buildSod({ dataGroups: new Map([[1, DG1]]), signer: ds }), dataGroups: { DG1 }, trustStore: trusted(), now: NOW });
    expect(r.status).toBe('invalid');
    expect(codes(r)).toContain('DS_KEY_USAGE');
  });

  it('a Document Signer not valid yet, and a SOD signed outside the DS validity → invalid', () => {
    const ds = issueDocumentSigner({ seed: 'paths', issuer: pki.csca, name: { country: 'UT', commonName: 'DS future' }, serial: 0x3002n, notBefore: new Date('2027-01-01Z'), notAfter: new Date('2037-01-01Z') });
    const r = passiveAuthenticateSync({ sod: buildSod({ dataGroups: new Map([[1, DG1]]), signer: ds }), dataGroups: { DG1 }, trustStore: trusted(), now: NOW });
    expect(r.status).toBe('invalid');
    expect(codes(r)).toEqual(expect.arrayContaining(['DS_NOT_YET_VALID', 'SIGNING_TIME_OUTSIDE_DS_VALIDITY']));
  });

  it('a DS certificate whose signature fails under the CSCA key it names → invalid, not unknown-signer', () => {
    const der0 = Uint8Array.from(pki.signers.valid.certificate);
    der0[der0.length - 3] = der0[der0.length - 3]! ^ 0x01; // inside the certificate's signature
    const forged = { ...pki.signers.valid, certificate: der0 };
    const r = passiveAuthenticateSync({ sod: buildSod({ dataGroups: new Map([[1, DG1]]), signer: forged }), dataGroups: { DG1 }, trustStore: trusted(), now: NOW });
    expect(r.signatureValid).toBe(true);
    expect(r.status).toBe('invalid');
    expect(codes(r)).toContain('DS_CERTIFICATE_SIGNATURE');
  });

  it('no CRL for the CSCA: valid, with CRL_UNAVAILABLE; a stale CRL is reported', () => {
    const sod = buildSod({ dataGroups: new Map([[1, DG1]]), signer: pki.signers.valid });
    const noCrl = passiveAuthenticateSync({ sod, dataGroups: { DG1 }, trustStore: new MemoryTrustStore([parseCertificate(pki.csca.certificate)]), now: NOW });
    expect(noCrl.status).toBe('valid');
    expect(codes(noCrl)).toEqual(['CRL_UNAVAILABLE']);
    const stale = buildCrl(pki.csca, { revoked: [], thisUpdate: new Date('2025-01-01Z'), nextUpdate: new Date('2025-02-01Z') });
    const r = passiveAuthenticateSync({ sod, dataGroups: { DG1 }, trustStore: new MemoryTrustStore([parseCertificate(pki.csca.certificate)], [parseCrl(stale)]), now: NOW });
    expect(r.status).toBe('valid');
    expect(codes(r)).toEqual(['CRL_STALE']);
  });

  it('a CRL not signed by the CSCA is ignored (a forger cannot un-revoke or revoke)', () => {
    const fake = buildCrl({ ...pki.untrustedCsca, name: pki.csca.name }, { revoked: [{ serial: 0x1001n, date: new Date('2026-01-01Z') }], thisUpdate: new Date('2026-01-01Z'), nextUpdate: new Date('2036-01-01Z') });
    const sod = buildSod({ dataGroups: new Map([[1, DG1]]), signer: pki.signers.valid });
    const r = passiveAuthenticateSync({ sod, dataGroups: { DG1 }, trustStore: new MemoryTrustStore([parseCertificate(pki.csca.certificate)], [parseCrl(fake)]), now: NOW });
    expect(r.status).toBe('valid');
    expect(r.documentSigner?.revoked).toBeNull();
  });
});
