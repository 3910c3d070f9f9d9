import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKioskError } from '../../../main/base/errors.js';
import { MemoryTrustStore, parseCertificate, parseCrl, parseMasterList, parseSod, passiveAuthenticateSync, pemBlocks } from '../../../main/emrtd/pki/index.js';
import { parseSecurityInfos } from '../../../main/emrtd/pki/security-infos.js';

/** Damaged inputs give typed errors or a non-valid status: never a crash, never `valid` for a changed signed byte. */
const dir = path.resolve(__dirname, '../../fixtures/real-sod');
const j = JSON.parse(readFileSync(path.join(dir, 'GB.json'), 'utf8'));
const sod = new Uint8Array(Buffer.from(j.sod, 'hex'));
const store = new MemoryTrustStore(pemBlocks(Buffer.from(j.cscaCertificate.pem), ['CERTIFICATE'])!.map((b) => parseCertificate(b.der)));
const NOW = new Date('2026-11-22T00:00:00Z');
const eContent = parseSod(sod).signedData.eContent;
const eStart = Buffer.from(sod).indexOf(Buffer.from(eContent));

function typedOnly(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isKioskError(e)) throw e;
  }
}

describe('fuzzing the PKI parsers', () => {
  it('byte changes anywhere in a real EF.SOD: no throw; a change inside the LDS Security Object is never valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sod.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const m = Uint8Array.from(sod);
        m[at] = m[at]! ^ x;
        const r = passiveAuthenticateSync({ sod: m, dataGroups: {}, trustStore: store, now: NOW });
        expect(['valid', 'invalid', 'unknown-signer', 'not-performed']).toContain(r.status);
        if (at >= eStart && at < eStart + eContent.length) expect(r.status).not.toBe('valid');
      }),
      { numRuns: 400 },
    );
  });

  it('truncated EF.SODs: invalid, no throw', () => {
    for (let n = 1; n < sod.length; n += 37) {
      const r = passiveAuthenticateSync({ sod: sod.subarray(0, n), dataGroups: {}, trustStore: store, now: NOW });
      expect(r.status).toBe('invalid');
    }
  });

  it('random bytes into every parser: typed errors only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (b) => {
        typedOnly(() => parseSod(b));
        typedOnly(() => parseCertificate(b));
        typedOnly(() => parseCrl(b));
        typedOnly(() => parseMasterList(b));
        typedOnly(() => parseSecurityInfos(b));
        const r = passiveAuthenticateSync({ sod: b, dataGroups: {}, trustStore: store, now: NOW });
        expect(r.status === 'invalid' || r.status === 'not-performed').toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('structured garbage (valid TLV framing, random content) into the SOD parser: typed errors only', () => {
    const tlv = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(fc.constantFrom(0x02, 0x04, 0x06, 0x17, 0x13, 0x03, 0x05, 0x80), fc.uint8Array({ maxLength: 12 })).map(([t, v]) => Uint8Array.from([t, v.length, ...v])),
        fc.tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa1, 0xa3), fc.array(tie('node') as fc.Arbitrary<Uint8Array>, { maxLength: 4 })).map(([t, kids]) => {
          const v = Buffer.concat(kids);
          return v.length < 128 ? Uint8Array.from([t, v.length, ...v]) : Uint8Array.from([t, 0x81, v.length & 0xff, ...v.subarray(0, 255)]);
        }),
      ),
    })).node;
    fc.assert(
      fc.property(tlv, (inner) => {
        const b = Uint8Array.from([0x77, ...(inner.length < 128 ? [inner.length] : [0x82, inner.length >> 8, inner.length & 0xff]), ...inner]);
        typedOnly(() => parseSod(b));
        typedOnly(() => parseSecurityInfos(Uint8Array.from([0x6e, ...b.subarray(1)])));
        expect(passiveAuthenticateSync({ sod: b, dataGroups: {}, trustStore: store, now: NOW }).status).toBe('invalid');
      }),
      { numRuns: 300 },
    );
  });
});
