import { X509Certificate, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSod, testPki } from '../../../main/sim/pki/index.js';

describe('test PKI', () => {
  it('is deterministic across calls with the same seed', () => {
    const a = testPki('seed-a');
    const again = testPki('seed-a');
    expect(again).toBe(a);
    const b = testPki('seed-b');
    expect(Buffer.from(b.csca.certificate).equals(Buffer.from(a.csca.certificate))).toBe(false);
  });

  it('issues certificates that node:crypto chains (DS → CSCA, link → CSCA, DS under link → new CSCA)', () => {
    const pki = testPki();
    const csca = new X509Certificate(pki.csca.certificate);
    const ds = new X509Certificate(pki.signers.valid.certificate);
    expect(csca.ca).toBe(true);
    expect(csca.verify(csca.publicKey)).toBe(true);
    expect(ds.verify(csca.publicKey)).toBe(true);
    expect(ds.checkIssued(csca)).toBe(true);
    const link = new X509Certificate(pki.link);
    expect(link.verify(csca.publicKey)).toBe(true);
    expect(new X509Certificate(pki.signers.underLink.certificate).verify(link.publicKey)).toBe(true);
    const untrusted = new X509Certificate(pki.signers.untrusted.certificate);
    expect(untrusted.verify(csca.publicKey)).toBe(false);
    expect(new X509Certificate(pki.signers.expired.certificate).validTo).toMatch(/2020/);
  });

  it('builds an EF.SOD with tag 77 listing the hash of each data group', () => {
    const pki = testPki();
    const dg1 = Uint8Array.of(0x61, 0x01, 0x00);
    const sod = buildSod({ dataGroups: new Map([[1, dg1]]), signer: pki.signers.valid });
    expect(sod[0]).toBe(0x77);
    const h = createHash('sha256').update(dg1).digest();
    expect(Buffer.from(sod).includes(h)).toBe(true);
  });
});
