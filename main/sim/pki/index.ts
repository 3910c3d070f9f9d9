/**
 * The test PKI of the simulated passports: a CSCA, Document Signers (valid, expired, revoked,
 * under an untrusted CSCA), a CRL, a link certificate to a second CSCA generation and a
 * master-list signer; plus `buildSod` to make real EF.SODs. Deterministic: every process that
 * calls `testPki()` gets the same keys and the same certificate bytes, so a simulator in one
 * process and `kiosk read --trust` in another agree.
 */
import { buildCrl, createLinkCertificate, createTestCa, issueDocumentSigner, type TestCa, type TestSigner } from './certs.js';

export * from './certs.js';
export * from './keys.js';
export { buildSod, type BuildSodOptions } from './sod.js';

export interface TestPki {
  /** The trusted CSCA (import its certificate into the trust store). */
  csca: TestCa;
  /** A second-generation CSCA of the same state; `link` is its link certificate signed by `csca`. */
  cscaNext: TestCa;
  link: Uint8Array;
  /** A CSCA nobody trusts (a forger's own root). */
  untrustedCsca: TestCa;
  signers: {
    valid: TestSigner;
    expired: TestSigner;
    revoked: TestSigner;
    untrusted: TestSigner;
    /** Issued by the second-generation CSCA: verifies through the link certificate. */
    underLink: TestSigner;
    masterListSigner: TestSigner;
  };
  /** CRL of `csca` revoking `signers.revoked` (nextUpdate 2036). */
  crl: Uint8Array;
}

const cache = new Map<string, TestPki>();

export const TEST_PKI_SEED = 'border-kiosk test PKI v1';

export function testPki(seed: string = TEST_PKI_SEED): TestPki {
  const hit = cache.get(seed);
  if (hit) return hit;
  const org = { country: 'UT', organization: 'Utopia', organizationalUnit: 'Passport Office' };
  const csca = createTestCa({ seed, name: { ...org, commonName: 'CSCA Utopia' }, serial: 0x01n });
  const cscaNext = createTestCa({
    seed,
    name: { ...org, commonName: 'CSCA Utopia 2' },
    serial: 0x02n,
    notBefore: new Date('2025-01-01T00:00:00Z'),
  });
  const untrustedCsca = createTestCa({ seed, name: { country: 'UT', organization: 'Forgers Inc', commonName: 'CSCA Utopia (rogue)' } });
  const ds = (commonName: string) => ({ ...org, commonName });
  const signers = {
    valid: issueDocumentSigner({ seed, issuer: csca, name: ds('DS Utopia 1'), serial: 0x1001n }),
    expired: issueDocumentSigner({
      seed,
      issuer: csca,
      name: ds('DS Utopia 0'),
      serial: 0x1002n,
      notBefore: new Date('2015-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-01T00:00:00Z'),
    }),
    revoked: issueDocumentSigner({ seed, issuer: csca, name: ds('DS Utopia 3'), serial: 0x1003n }),
    untrusted: issueDocumentSigner({ seed, issuer: untrustedCsca, name: ds('DS Utopia 1'), serial: 0x1001n }),
    underLink: issueDocumentSigner({ seed, issuer: cscaNext, name: ds('DS Utopia 2-1'), serial: 0x2001n }),
    masterListSigner: issueDocumentSigner({ seed, issuer: csca, name: ds('Master List Signer Utopia'), serial: 0x1f01n }),
  };
  const crl = buildCrl(csca, {
    revoked: [{ serial: 0x1003n, date: new Date('2026-01-01T00:00:00Z') }],
    thisUpdate: new Date('2026-01-01T00:00:00Z'),
    nextUpdate: new Date('2036-01-01T00:00:00Z'),
  });
  const pki: TestPki = { csca, cscaNext, link: createLinkCertificate(csca, cscaNext), untrustedCsca, signers, crl };
  cache.set(seed, pki);
  return pki;
}

/** PEM text of a DER object (for writing trust-anchor files). */
export function toPem(derBytes: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(derBytes).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}
