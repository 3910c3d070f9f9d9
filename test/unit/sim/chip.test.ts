import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { ManualClock } from '../../../main/base/clock.js';
import { DeviceError } from '../../../main/base/errors.js';
import { createVirtualChip, buildCardAccess, type VirtualChipOptions } from '../../../main/sim/chip/index.js';
import { performBac } from '../../../main/emrtd/bac.js';
import { establishAccess } from '../../../main/emrtd/access.js';
import { parseCardAccess } from '../../../main/emrtd/pace/card-access.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const bac = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-bac.json', import.meta.url), 'utf8'));
const pace = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-pace-ecdh-gm.json', import.meta.url), 'utf8'));
const COM = fromHex('60145F0104303130365F36063034303030305C026175');

function queue(...values: string[]) {
  const q = values.map(fromHex);
  return (n: number) => {
    const b = q.shift();
    if (!b) return new Uint8Array(n).fill(0x5a);
    if (b.length !== n) throw new Error(`random request of ${n}, scripted ${b.length}`);
    return b;
  };
}

function tx(chip: ReturnType<typeof createVirtualChip>, hex: string): string {
  return toHex(chip.transceive(fromHex(hex)).response);
}

function transport(chip: ReturnType<typeof createVirtualChip>): ApduTransport {
  return {
    maxLe: 231,
    async transmit(cmd) {
      if (!chip.present()) throw new DeviceError('CARD_LOST', 'no card');
      const r = chip.transceive(cmd).response;
      if (!chip.present()) throw new DeviceError('CARD_LOST', 'lifted');
      return r;
    },
  };
}

const base = (extra: Partial<VirtualChipOptions> = {}): VirtualChipOptions => ({
  files: new Map([[0x011e, COM]]),
  mrzInformation: bac.keyDerivation[0].mrzInformation,
  accessControl: { bac: true },
  chipTimeMs: false,
  ...extra,
});

describe('virtual chip: ICAO 9303-11 Appendix D replayed on the chip side', () => {
  it('answers GET CHALLENGE, EXTERNAL AUTHENTICATE and the protected SELECT/READ BINARY byte for byte', () => {
    const a = bac.authentication;
    const chip = createVirtualChip(base({ uid: fromHex('08010203'), random: queue(a.rndIC, a.kIC) }));
    expect(tx(chip, '00A4040C07A0000002471001')).toBe('9000');
    expect(tx(chip, a.getChallenge.command)).toBe(a.getChallenge.response);
    expect(tx(chip, a.externalAuthenticate.command)).toBe(a.externalAuthenticate.response);
    expect(chip.session).toBe('BAC');
    for (const x of bac.secureMessaging.exchanges) expect(tx(chip, x.protected)).toBe(x.response + '9000');
  });
});

describe('virtual chip: ICAO 9303-11 Appendix G.1 on the chip side', () => {
  it('answers MSE:Set AT, the encrypted nonce and the mapping step byte for byte', () => {
    const chip = createVirtualChip(base({
      mrzInformation: pace.mrzInformation,
      files: new Map([[0x011c, fromHex(pace.efCardAccess)]]),
      accessControl: { bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } },
      uid: fromHex('08010203'),
      random: queue(pace.nonce, pace.mapping.piccPrivate),
    }));
    expect(tx(chip, pace.apdus[0].command)).toBe(pace.apdus[0].response);
    expect(tx(chip, pace.apdus[1].command)).toBe(pace.apdus[1].response);
    expect(tx(chip, pace.apdus[2].command)).toBe(pace.apdus[2].response);
    // The key agreement answer depends on the chip's key (not in the vector): a point on the curve.
    const ka = tx(chip, pace.apdus[3].command);
    expect(ka).toMatch(/^7C43844104[0-9A-F]{128}9000$/);
  });
});

describe('virtual chip: file system and access rules', () => {
  it('reads EF.CardAccess in plain by SFI and by FID; generates it from the PACE configuration', () => {
    const chip = createVirtualChip(base({ accessControl: { bac: true, pace: [{ curve: 'brainpoolP256r1', cipher: 'AES-128' }, { curve: 'P-384', cipher: 'AES-256' }] } }));
    const ca = tx(chip, '00B09C0000');
    expect(ca.endsWith('6282')).toBe(true);
    const content = fromHex(ca.slice(0, -4));
    expect(toHex(content)).toBe(toHex(buildCardAccess([{ curve: 'brainpoolP256r1', cipher: 'AES-128' }, { curve: 'P-384', cipher: 'AES-256' }])));
    expect(parseCardAccess(content).paceInfos.map((p) => p.parameterId)).toEqual([13, 15]);
    expect(tx(chip, '00A4020C02011C')).toBe('9000');
    expect(tx(chip, '00B0000004')).toBe(toHex(content.subarray(0, 4)) + '9000');
  });

  it('refuses plain access to application files (6982), unknown files (6A82) and applications (6A82)', () => {
    const chip = createVirtualChip(base());
    expect(tx(chip, '00A4040C07A0000002471002')).toBe('6A82');
    expect(tx(chip, '00A4040C07A0000002471001')).toBe('9000');
    expect(tx(chip, '00A4020C02011E')).toBe('6982');
    expect(tx(chip, '00B09E0000')).toBe('6982');
    expect(tx(chip, '00A4020C020105')).toBe('6A82');
    expect(tx(chip, '00B0000010')).toBe('6986');
    expect(tx(chip, '00EE000000')).toBe('6D00');
    expect(tx(chip, '80CA000000')).toBe('6E00');
  });

  it('READ BINARY: what is available with 6282 at the end, 6B00 beyond, B1 with DO54 above 32 KiB', async () => {
    const big = new Uint8Array(40000).map((_, i) => (i * 7) & 0xff);
    const chip = createVirtualChip(base({ files: new Map([[0x011e, COM], [0x0102, big]]) }));
    const t = transport(chip);
    await establishAccess(t, { kind: 'mrz', mrzInformation: bac.keyDerivation[0].mrzInformation }).then(async (r) => {
      const ch = r.channel;
      expect(toHex(await ch.transmit(fromHex('00A4020C02011E')))).toBe('9000');
      expect(toHex(await ch.transmit(fromHex('00B0001000')))).toBe(toHex(COM.subarray(16)) + '6282');
      expect(toHex(await ch.transmit(fromHex('00B0001600')))).toBe('6282');
      expect(toHex(await ch.transmit(fromHex('00B0002000')))).toBe('6B00');
      expect(toHex(await ch.transmit(fromHex('00A4020C020102')))).toBe('9000');
      // B1, offset 39990 in DO54, Ne 16: DO53 with the last 10 bytes.
      const r1 = await ch.transmit(fromHex('00B100000454029C3610'));
      expect(toHex(r1)).toBe('530A' + toHex(big.subarray(39990)) + '6282');
      const r2 = await ch.transmit(fromHex('00B100000454028000' + '08'));
      expect(toHex(r2)).toBe('5306' + toHex(big.subarray(32768, 32774)) + '9000');
    });
  });

  it('a plain command during secure messaging ends the session; a bad command MAC answers 6988', async () => {
    const chip = createVirtualChip(base());
    const r = await performBac(transport(chip), bac.keyDerivation[0].mrzInformation, {}).catch(() => undefined);
    expect(r).toBeUndefined(); // application not selected: BAC refused with 6985
    expect(tx(chip, '00A4040C07A0000002471001')).toBe('9000');
    const ok = await performBac(transport(chip), bac.keyDerivation[0].mrzInformation);
    expect(chip.session).toBe('BAC');
    expect(tx(chip, '00A4020C02011E')).toBe('6982');
    expect(chip.session).toBe('none');
    await expect(ok.channel.transmit(fromHex('00A4020C02011E'))).rejects.toMatchObject({ code: 'SM_SESSION_ABORTED', sw: 0x6988 });
  });
});

describe('virtual chip: faults', () => {
  it('maxLe: a larger Ne gets 6700', async () => {
    const chip = createVirtualChip(base({ faults: { maxLe: 0x40 } }));
    const r = await establishAccess(transport(chip), { kind: 'mrz', mrzInformation: bac.keyDerivation[0].mrzInformation });
    expect(toHex(await r.channel.transmit(fromHex('00A4020C02011E')))).toBe('9000');
    expect(toHex(await r.channel.transmit(fromHex('00B0000041')))).toBe('6700');
    expect(toHex(await r.channel.transmit(fromHex('00B0000004')))).toBe('60145F019000');
  });

  it('lifted after N bytes: the crossing answer is lost, present() is false, then back after backAfterMs with the session dropped', async () => {
    const clock = new ManualClock();
    const chip = createVirtualChip(base({ clock, faults: { liftAfterBytes: 10, backAfterMs: 500 } }));
    const t = transport(chip);
    const r = await establishAccess(t, { kind: 'mrz', mrzInformation: bac.keyDerivation[0].mrzInformation });
    await r.channel.transmit(fromHex('00A4020C02011E'));
    expect(toHex(await r.channel.transmit(fromHex('00B0000004')))).toBe('60145F019000');
    await expect(r.channel.transmit(fromHex('00B0000408'))).rejects.toMatchObject({ code: 'CARD_LOST' });
    expect(chip.present()).toBe(false);
    expect(() => chip.transceive(fromHex('00A4040C07A0000002471001'))).toThrow(DeviceError);
    clock.advance(499);
    expect(chip.present()).toBe(false);
    clock.advance(1);
    expect(chip.present()).toBe(true);
    expect(chip.session).toBe('none');
    const r2 = await establishAccess(t, { kind: 'mrz', mrzInformation: bac.keyDerivation[0].mrzInformation });
    await r2.channel.transmit(fromHex('00A4020C02011E'));
    expect(toHex(await r2.channel.transmit(fromHex('00B0000408')))).toBe(toHex(COM.subarray(4, 12)) + '9000');
    expect(chip.stats.lifts).toBe(1);
  });

  it('reset() drops the session', async () => {
    const chip = createVirtualChip(base());
    const r = await establishAccess(transport(chip), { kind: 'mrz', mrzInformation: bac.keyDerivation[0].mrzInformation });
    chip.reset();
    expect(chip.session).toBe('none');
    await expect(r.channel.transmit(fromHex('00A4020C02011E'))).rejects.toMatchObject({ code: 'SM_SESSION_ABORTED' });
  });

  it('reports realistic chip time: more for PACE EC steps than for reads', () => {
    const chip = createVirtualChip(base({ chipTimeMs: undefined, accessControl: { bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } }, mrzInformation: pace.mrzInformation }));
    const read = chip.transceive(fromHex('00B09C0000')).chipTimeMs;
    expect(read).toBeGreaterThan(0);
    chip.transceive(fromHex(pace.apdus[0].command));
    chip.transceive(fromHex(pace.apdus[1].command));
    const map = chip.transceive(fromHex(pace.apdus[2].command)).chipTimeMs;
    expect(map).toBeGreaterThan(read * 10);
  });

  it('type A and type B identities', () => {
    const a = createVirtualChip(base());
    expect(a.kind).toBe('A');
    expect(a.uid[0]).toBe(0x08);
    expect(a.ats).toBeDefined();
    const b = createVirtualChip(base({ kind: 'B', uid: fromHex('01020304') }));
    expect(toHex(b.atqb!)).toBe('5001020304000000000081' + '81');
  });
});
