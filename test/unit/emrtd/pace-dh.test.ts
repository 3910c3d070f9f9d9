import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { encodeTlv } from '../../../main/base/tlv.js';
import { aesCbcDecrypt } from '../../../main/emrtd/crypto/aes.js';
import { deriveKeys, kdf } from '../../../main/emrtd/crypto/kdf.js';
import { parseCardAccess } from '../../../main/emrtd/pace/card-access.js';
import { DhGroup } from '../../../main/emrtd/pace/dh-gm.js';
import { authenticationToken } from '../../../main/emrtd/pace/ecdh-gm.js';
import { performPace } from '../../../main/emrtd/pace/pace.js';
import { createVirtualChip } from '../../../main/sim/chip/index.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const v = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-pace-dh-gm.json', import.meta.url), 'utf8'));
const OID = '0.4.0.127.0.7.2.2.4.1.2';

function ga(cla: number, tag: number, value: Uint8Array): string {
  const d = encodeTlv(0x7c, encodeTlv(tag, value));
  return toHex(Uint8Array.of(cla, 0x86, 0x00, 0x00, d.length)) + toHex(d) + '00';
}

const apdus = [
  { command: '0022C1A40F800A04007F00070202040102830101', response: '9000' },
  { command: '10860000027C0000', response: '7C128010' + v.encryptedNonce + '9000' },
  { command: ga(0x10, 0x81, fromHex(v.mapping.pcdPublic)), response: toHex(encodeTlv(0x7c, encodeTlv(0x82, fromHex(v.mapping.piccPublic)))) + '9000' },
  { command: ga(0x10, 0x83, fromHex(v.keyAgreement.pcdPublic)), response: toHex(encodeTlv(0x7c, encodeTlv(0x84, fromHex(v.keyAgreement.piccPublic)))) + '9000' },
  { command: '008600000C7C0A8508' + v.tPCD + '00', response: toHex(encodeTlv(0x7c, encodeTlv(0x86, fromHex(v.tPICC)))) + '9000' },
];

function queue(...values: string[]) {
  const q = values.map(fromHex);
  return (n: number) => {
    const b = q.shift();
    if (!b || b.length !== n) throw new Error(`unexpected random request of ${n}`);
    return b;
  };
}

describe('ICAO 9303-11 Appendix G.2: PACE DH-GM, 1024-bit MODP group, AES-128', () => {
  const g = new DhGroup('modp1024-160');
  it('nonce, mapping, key agreement, session keys and tokens', () => {
    expect(toHex(kdf(fromHex(v.K), 3, 'AES-128'))).toBe(v.Kpi);
    expect(toHex(aesCbcDecrypt(fromHex(v.Kpi), fromHex(v.encryptedNonce)))).toBe(v.nonce);
    const pcdMap = BigInt('0x' + v.mapping.pcdPrivate);
    expect(toHex(g.encode(g.pow(g.domain.g, pcdMap)))).toBe(v.mapping.pcdPublic);
    expect(toHex(g.encode(g.pow(g.domain.g, BigInt('0x' + v.mapping.piccPrivate))))).toBe(v.mapping.piccPublic);
    const gHat = g.mapGenerator(fromHex(v.nonce), pcdMap, g.decode(fromHex(v.mapping.piccPublic), 'vector'));
    expect(toHex(g.encode(gHat))).toBe(v.mapping.mappedGenerator);
    expect(toHex(g.encode(g.pow(gHat, BigInt('0x' + v.keyAgreement.pcdPrivate))))).toBe(v.keyAgreement.pcdPublic);
    expect(toHex(g.encode(g.pow(gHat, BigInt('0x' + v.keyAgreement.piccPrivate))))).toBe(v.keyAgreement.piccPublic);
    const shared = g.sharedSecret(BigInt('0x' + v.keyAgreement.pcdPrivate), g.decode(fromHex(v.keyAgreement.piccPublic), 'vector'));
    expect(toHex(shared)).toBe(v.keyAgreement.sharedSecret);
    const keys = deriveKeys(shared, 'AES-128');
    expect(toHex(keys.kEnc)).toBe(v.ksEnc);
    expect(toHex(keys.kMac)).toBe(v.ksMac);
    expect(toHex(authenticationToken('AES-128', keys.kMac, OID, fromHex(v.keyAgreement.piccPublic), 0x84))).toBe(v.tPCD);
    expect(toHex(authenticationToken('AES-128', keys.kMac, OID, fromHex(v.keyAgreement.pcdPublic), 0x84))).toBe(v.tPICC);
  });

  it('rejects public values outside the subgroup', () => {
    expect(() => g.decode(Uint8Array.of(1), 'x')).toThrow(expect.objectContaining({ code: 'PACE_BAD_POINT' }));
    expect(() => g.decode(Uint8Array.of(2), 'x')).toThrow(expect.objectContaining({ code: 'PACE_BAD_POINT' }));
    expect(() => g.decode(new Uint8Array(129).fill(1), 'x')).toThrow(expect.objectContaining({ code: 'PACE_BAD_POINT' }));
  });

  it('the terminal replays the exchange byte for byte', async () => {
    const info = parseCardAccess(encodeTlv(0x31, fromHex(v.paceInfo))).paceInfos[0]!;
    expect(info).toMatchObject({ name: 'id-PACE-DH-GM-AES-CBC-CMAC-128', parameterId: 0, domain: 'modp1024-160', supported: true });
    let i = 0;
    const t: ApduTransport = {
      maxLe: 231,
      async transmit(cmd) {
        const s = apdus[i++]!;
        expect(toHex(cmd)).toBe(s.command);
        return fromHex(s.response);
      },
    };
    const r = await performPace(t, { kind: 'mrz', mrzInformation: v.mrzInformation }, info, {
      random: queue(v.mapping.pcdPrivate, v.keyAgreement.pcdPrivate), parameterId: 'when-ambiguous',
    });
    expect(toHex(r.ksEnc)).toBe(v.ksEnc);
    expect(toHex(r.ksMac)).toBe(v.ksMac);
    expect(i).toBe(5);
  });

  it('the virtual chip answers the exchange byte for byte', () => {
    const chip = createVirtualChip({
      files: new Map([[0x011c, encodeTlv(0x31, fromHex(v.paceInfo))]]),
      mrzInformation: v.mrzInformation,
      accessControl: { bac: false, pace: { curve: 'modp1024-160', cipher: 'AES-128' } },
      chipTimeMs: false,
      uid: fromHex('08010203'),
      random: queue(v.nonce, v.mapping.piccPrivate, v.keyAgreement.piccPrivate),
    });
    for (const s of apdus) expect(toHex(chip.transceive(fromHex(s.command)).response)).toBe(s.response);
    expect(chip.session).toBe('PACE');
  });
});
