import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { FormatError } from '../../../main/base/errors.js';
import { encodeTlv } from '../../../main/base/tlv.js';
import { AccessDeniedError } from '../../../main/emrtd/apdu.js';
import { parseCardAccess, choosePaceInfo } from '../../../main/emrtd/pace/card-access.js';
import { performPace } from '../../../main/emrtd/pace/pace.js';
import { EcGroup, authenticationToken } from '../../../main/emrtd/pace/ecdh-gm.js';
import { decodeOid, encodeOid } from '../../../main/emrtd/pace/oid.js';
import { DH_GROUPS, DH_GROUP_NAMES } from '../../../main/emrtd/pace/params.js';
import { modPow } from '../../../main/emrtd/pace/dh-gm.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const v = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-pace-ecdh-gm.json', import.meta.url), 'utf8'));

function scripted(steps: { command: string; response: string }[]): ApduTransport {
  let i = 0;
  return {
    maxLe: 231,
    async transmit(cmd: Uint8Array) {
      const s = steps[i++];
      if (!s) throw new Error('unexpected extra command ' + toHex(cmd));
      expect(toHex(cmd)).toBe(s.command);
      return fromHex(s.response);
    },
  };
}

function fixedRandom(...values: string[]) {
  const q = values.map(fromHex);
  return (n: number) => {
    const b = q.shift();
    if (!b || b.length !== n) throw new Error(`unexpected random request of ${n}`);
    return b;
  };
}

describe('EF.CardAccess', () => {
  it('parses the Appendix G.1 PACEInfo', () => {
    const ca = parseCardAccess(fromHex(v.efCardAccess));
    expect(ca.paceInfos).toHaveLength(1);
    const p = ca.paceInfos[0]!;
    expect(p).toMatchObject({ oid: '0.4.0.127.0.7.2.2.4.2.2', name: 'id-PACE-ECDH-GM-AES-CBC-CMAC-128', version: 2, parameterId: 13, curve: 'brainpoolP256r1', cipher: 'AES-128', supported: true });
    expect(toHex(p.raw)).toBe(v.paceInfo);
    expect(choosePaceInfo(ca)).toBe(p);
  });
  it('keeps non-PACE infos and marks unsupported variants', () => {
    // DH-GM with parameter id 0, and a ChipAuthenticationInfo (id-CA-ECDH-AES-CBC-CMAC-128, version 1).
    const dhGm = encodeTlv(0x30, encodeTlv(0x06, encodeOid('0.4.0.127.0.7.2.2.4.1.2')), fromHex('020102'), fromHex('020100'));
    const caInfo = encodeTlv(0x30, encodeTlv(0x06, encodeOid('0.4.0.127.0.7.2.2.3.2.2')), fromHex('020101'));
    const ecdhIm = encodeTlv(0x30, encodeTlv(0x06, encodeOid('0.4.0.127.0.7.2.2.4.4.2')), fromHex('020102'), fromHex('02010D'));
    const ca = parseCardAccess(encodeTlv(0x31, dhGm, caInfo, ecdhIm));
    expect(ca.paceInfos[0]!.name).toBe('id-PACE-DH-GM-AES-CBC-CMAC-128');
    expect(ca.paceInfos[0]!).toMatchObject({ supported: true, domain: 'modp1024-160', agreement: 'DH' });
    expect(ca.paceInfos[1]!).toMatchObject({ name: 'id-PACE-ECDH-IM-AES-CBC-CMAC-128', supported: false });
    expect(ca.otherInfos[0]!.oid).toBe('0.4.0.127.0.7.2.2.3.2.2');
  });
  it('never throws anything but FormatError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try {
        parseCardAccess(b);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }), { numRuns: 2000 });
  });
  it('the RFC 5114 MODP groups are consistent: q divides p-1 and g has order q', () => {
    for (const name of DH_GROUP_NAMES) {
      const { p, g, q } = DH_GROUPS[name];
      expect((p - 1n) % q).toBe(0n);
      expect(modPow(g, q, p)).toBe(1n);
      expect(g).not.toBe(1n);
    }
  });
  it('OIDs round-trip', () => {
    expect(toHex(encodeOid('0.4.0.127.0.7.2.2.4.2.2'))).toBe('04007F00070202040202');
    expect(decodeOid(fromHex('2A864886F70D010101'))).toBe('1.2.840.113549.1.1.1');
  });
});

describe('ICAO 9303-11 Appendix G.1: PACE ECDH-GM brainpoolP256r1 AES-128', () => {
  it('computes the mapped generator and the shared secret', () => {
    const g = new EcGroup('brainpoolP256r1');
    const pt = (p: { x: string; y: string }) => g.decodePoint(fromHex('04' + p.x + p.y), 'vector');
    const mapSk = BigInt('0x' + v.mapping.pcdPrivate);
    expect(toHex(g.encodePoint(g.Point.BASE.multiply(mapSk)))).toBe('04' + v.mapping.pcdPublic.x + v.mapping.pcdPublic.y);
    const gHat = g.mapGenerator(fromHex(v.nonce), mapSk, pt(v.mapping.piccPublic));
    expect(toHex(g.encodePoint(gHat))).toBe('04' + v.mapping.mappedGenerator.x + v.mapping.mappedGenerator.y);
    // The chip side computes the same G' from its own private key.
    const gHat2 = g.mapGenerator(fromHex(v.nonce), BigInt('0x' + v.mapping.piccPrivate), pt(v.mapping.pcdPublic));
    expect(gHat2.equals(gHat)).toBe(true);
    const shared = g.sharedSecret(BigInt('0x' + v.keyAgreement.pcdPrivate), pt(v.keyAgreement.piccPublic));
    expect(toHex(shared)).toBe(v.keyAgreement.sharedSecret);
  });

  it('computes the authentication tokens', () => {
    const oid = '0.4.0.127.0.7.2.2.4.2.2';
    const piccPk = fromHex('04' + v.keyAgreement.piccPublic.x + v.keyAgreement.piccPublic.y);
    const pcdPk = fromHex('04' + v.keyAgreement.pcdPublic.x + v.keyAgreement.pcdPublic.y);
    expect(toHex(authenticationToken('AES-128', fromHex(v.ksMac), oid, piccPk))).toBe(v.tPCD);
    expect(toHex(authenticationToken('AES-128', fromHex(v.ksMac), oid, pcdPk))).toBe(v.tPICC);
  });

  it('replays the APDU sequence byte for byte and derives the session keys', async () => {
    const info = parseCardAccess(fromHex(v.efCardAccess)).paceInfos[0]!;
    const r = await performPace(scripted(v.apdus), { kind: 'mrz', mrzInformation: v.mrzInformation }, info, {
      random: fixedRandom(v.mapping.pcdPrivate, v.keyAgreement.pcdPrivate),
    });
    expect(toHex(r.ksEnc)).toBe(v.ksEnc);
    expect(toHex(r.ksMac)).toBe(v.ksMac);
    expect(r.parameterIdSent).toBe(true);
    expect(r.channel.cipher).toBe('AES');
    expect(toHex(r.channel.ssc)).toBe('00'.repeat(16));
  });

  it('a refused password (6300 at mutual authentication) is AccessDeniedError', async () => {
    const info = parseCardAccess(fromHex(v.efCardAccess)).paceInfos[0]!;
    const steps = v.apdus.map((s: { command: string; response: string }, i: number) => (i === 4 ? { ...s, response: '6300' } : s));
    const p = performPace(scripted(steps), { kind: 'mrz', mrzInformation: v.mrzInformation }, info, {
      random: fixedRandom(v.mapping.pcdPrivate, v.keyAgreement.pcdPrivate),
    });
    await expect(p).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(p).rejects.toMatchObject({ message: expect.stringMatching(/MRZ may be misread/) });
  });
});

describe('MSE:Set AT parameter id fallback', () => {
  it('retries without DO84 when a chip with one parameter set refuses it, and goes on', async () => {
    const info = parseCardAccess(fromHex(v.efCardAccess)).paceInfos[0]!;
    const steps = [
      { command: v.apdus[0].command, response: '6A80' },
      { command: '0022C1A40F800A04007F00070202040202830101', response: '9000' },
      ...v.apdus.slice(1),
    ];
    const r = await performPace(scripted(steps), { kind: 'mrz', mrzInformation: v.mrzInformation }, info, {
      random: fixedRandom(v.mapping.pcdPrivate, v.keyAgreement.pcdPrivate),
    });
    expect(r.parameterIdSent).toBe(false);
    expect(toHex(r.ksMac)).toBe(v.ksMac);
  });
  it('gives up with AccessControlError PACE_FAILED when both forms are refused', async () => {
    const info = parseCardAccess(fromHex(v.efCardAccess)).paceInfos[0]!;
    const steps = [
      { command: v.apdus[0].command, response: '6A80' },
      { command: '0022C1A40F800A04007F00070202040202830101', response: '6A80' },
    ];
    await expect(performPace(scripted(steps), { kind: 'mrz', mrzInformation: v.mrzInformation }, info)).rejects.toMatchObject({ code: 'PACE_FAILED' });
  });
});
