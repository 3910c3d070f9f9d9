import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { DeviceError } from '../../../main/base/errors.js';
import { establishAccess, AccessDeniedError, SecureMessagingError, type AccessKey } from '../../../main/emrtd/access.js';
import { mrzInformation } from '../../../main/emrtd/bac.js';
import { PACE_CURVES, DH_GROUP_NAMES } from '../../../main/emrtd/pace/params.js';
import type { CipherSuite } from '../../../main/emrtd/crypto/kdf.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';
import { buildCardAccess, createVirtualChip, type VirtualChip, type VirtualChipOptions } from '../../../main/sim/chip/index.js';

const MRZ = mrzInformation('L898902C', '690806', '940623');
const COM = fromHex('60145F0104303130365F36063034303030305C026175');
const DG1 = fromHex('615B5F1F58' + '50'.repeat(88));

function files(): Map<number, Uint8Array> {
  const big = new Uint8Array(1200).map((_, i) => i & 0xff);
  big.set(fromHex('758204AC'), 0);
  return new Map([[0x011e, COM], [0x0101, DG1], [0x0102, big], [0x011d, fromHex('7703020100')]]);
}

/** In-process transport: the host talks straight to chip.transceive, losing answers when lifted. */
function chipTransport(chip: VirtualChip, maxLe = 231): ApduTransport & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return {
    maxLe,
    extendedLength: true,
    sent,
    async transmit(cmd: Uint8Array) {
      sent.push(Uint8Array.from(cmd));
      if (!chip.present()) throw new DeviceError('CARD_LOST', 'no card');
      const r = chip.transceive(cmd);
      if (!chip.present()) throw new DeviceError('CARD_LOST', 'card lifted');
      return r.response;
    },
  };
}

function chip(ac: VirtualChipOptions['accessControl'], extra: Partial<VirtualChipOptions> = {}): VirtualChip {
  return createVirtualChip({ files: files(), mrzInformation: MRZ, can: '123456', accessControl: ac, chipTimeMs: false, ...extra });
}

async function readAll(ch: { transmit(c: Uint8Array): Promise<Uint8Array> }, fid: number, step = 200): Promise<Uint8Array> {
  const sel = await ch.transmit(Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff));
  expect(toHex(sel)).toBe('9000');
  const out: number[] = [];
  for (;;) {
    const r = await ch.transmit(Uint8Array.of(0x00, 0xb0, out.length >> 8, out.length & 0xff, step));
    const sw = (r[r.length - 2]! << 8) | r[r.length - 1]!;
    out.push(...r.subarray(0, r.length - 2));
    if (sw === 0x6282 || r.length - 2 < step) break;
    expect(sw).toBe(0x9000);
  }
  return Uint8Array.from(out);
}

const mrzKey: AccessKey = { kind: 'mrz', mrzInformation: MRZ };

describe('establishAccess against the virtual chip', () => {
  it('BAC when the chip has no EF.CardAccess, then reads under 3DES secure messaging', async () => {
    const c = chip({ bac: true });
    const t = chipTransport(c);
    const r = await establishAccess(t, mrzKey);
    expect(r.protocol).toBe('BAC');
    expect(r.cardAccess).toBeUndefined();
    expect(r.channel.cipher).toBe('3DES');
    expect(c.session).toBe('BAC');
    expect(toHex(await readAll(r.channel, 0x011e))).toBe(toHex(COM));
    expect(toHex(await readAll(r.channel, 0x0102))).toBe(toHex(files().get(0x0102)!));
  });

  const ciphers: CipherSuite[] = ['AES-128', 'AES-192', 'AES-256', '3DES'];
  for (const curve of PACE_CURVES) {
    for (const cipher of ciphers) {
      if (cipher !== 'AES-128' && curve !== 'brainpoolP256r1' && curve !== 'P-521') continue; // keep the run short
      it(`PACE ECDH-GM ${curve} ${cipher}`, async () => {
        const c = chip({ bac: true, pace: { curve, cipher } });
        const t = chipTransport(c);
        const r = await establishAccess(t, mrzKey);
        expect(r.protocol).toBe('PACE');
        expect(r.paceInfo?.curve).toBe(curve);
        expect(r.paceInfo?.cipher).toBe(cipher);
        expect(r.channel.cipher).toBe(cipher === '3DES' ? '3DES' : 'AES');
        expect(c.session).toBe('PACE');
        expect(toHex(await readAll(r.channel, 0x0101))).toBe(toHex(DG1));
      });
    }
  }

  for (const group of DH_GROUP_NAMES) {
    for (const cipher of group === 'modp2048-256' ? (['AES-128', 'AES-256', '3DES'] as const) : (['AES-128'] as const)) {
      it(`PACE DH-GM ${group} ${cipher}`, async () => {
        const c = chip({ bac: true, pace: { curve: group, cipher } });
        const t = chipTransport(c);
        const r = await establishAccess(t, mrzKey);
        expect(r.protocol).toBe('PACE');
        expect(r.paceInfo).toMatchObject({ agreement: 'DH', domain: group, cipher });
        expect(toHex(await readAll(r.channel, 0x0101))).toBe(toHex(DG1));
      });
    }
  }

  it('prefers ECDH over DH when both are offered', async () => {
    const c = chip({ bac: true, pace: [{ curve: 'modp2048-256', cipher: 'AES-128' }, { curve: 'P-256', cipher: 'AES-128' }] });
    const r = await establishAccess(chipTransport(c), mrzKey);
    expect(r.paceInfo?.domain).toBe('P-256');
  });

  it('PACE with the CAN', async () => {
    const c = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } });
    const r = await establishAccess(chipTransport(c), { kind: 'can', can: '123456' });
    expect(r.protocol).toBe('PACE');
    await expect(establishAccess(chipTransport(c), { kind: 'can', can: '654321' })).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('sends the parameter id (DO84) when EF.CardAccess lists several parameter sets; the chip needs it', async () => {
    const c = chip({ bac: true, pace: [{ curve: 'P-256', cipher: 'AES-128' }, { curve: 'brainpoolP256r1', cipher: 'AES-128' }] });
    const t = chipTransport(c);
    const r = await establishAccess(t, mrzKey, { paceParameterId: 'when-ambiguous' });
    expect(r.protocol).toBe('PACE');
    const mse = t.sent.find((a) => a[1] === 0x22)!;
    expect(toHex(mse)).toMatch(/8301018401(0C|0D)$/);
  });

  it('with one parameter set and the when-ambiguous policy, DO84 is left out', async () => {
    const c = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } });
    const t = chipTransport(c);
    await establishAccess(t, mrzKey, { paceParameterId: 'when-ambiguous' });
    const mse = t.sent.find((a) => a[1] === 0x22)!;
    expect(toHex(mse)).toMatch(/830101$/);
  });

  it('a wrong MRZ key gives AccessDeniedError by PACE and by BAC', async () => {
    const wrong: AccessKey = { kind: 'mrz', mrzInformation: mrzInformation('L898902C', '690806', '940624') };
    for (const ac of [{ bac: true }, { bac: true, pace: { curve: 'brainpoolP256r1' as const, cipher: 'AES-128' as const } }]) {
      const p = establishAccess(chipTransport(chip(ac)), wrong);
      await expect(p).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(p).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringMatching(/MRZ may be misread/) });
    }
  });

  it('falls back to BAC when PACE fails for a protocol reason; reports the PACE failure when BAC fails too', async () => {
    const p256 = buildCardAccess([{ curve: 'P-256', cipher: 'AES-128' }]);
    const withBac = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } });
    const r = await establishAccess(chipTransport(withBac), mrzKey, { cardAccess: p256 });
    expect(r.protocol).toBe('BAC');
    expect(r.paceFallbackReason).toMatch(/PACE_FAILED/);
    const paceOnly = chip({ bac: false, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } });
    await expect(establishAccess(chipTransport(paceOnly), mrzKey, { cardAccess: p256 })).rejects.toMatchObject({ code: 'PACE_FAILED' });
  });

  it('preferBac runs BAC on a PACE chip', async () => {
    const c = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } });
    const r = await establishAccess(chipTransport(c), mrzKey, { preferBac: true });
    expect(r.protocol).toBe('BAC');
    expect(r.cardAccess).toBeDefined();
  });

  it('a bad response MAC is detected, the channel closes, and access control can start again', async () => {
    const c = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } }, { faults: { badMacAfter: 3 } });
    const t = chipTransport(c);
    const r = await establishAccess(t, mrzKey);
    const err = await readAll(r.channel, 0x0102, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecureMessagingError);
    expect((err as SecureMessagingError).code).toBe('SM_BAD_MAC');
    await expect(r.channel.transmit(fromHex('00B0000001'))).rejects.toMatchObject({ code: 'SM_CHANNEL_CLOSED' });
    const r2 = await establishAccess(t, mrzKey, { cardAccess: r.cardAccess });
    expect(toHex(await readAll(r2.channel, 0x0102, 100))).toBe(toHex(files().get(0x0102)!));
  });

  it('Chip Authentication style key switch: setKeys resets the SSC on both sides', async () => {
    const kEnc = fromHex('00112233445566778899AABBCCDDEEFF');
    const kMac = fromHex('FFEEDDCCBBAA99887766554433221100');
    const ext = {
      handle(cmd: { ins: number }, ctx: { setSessionKeysAfterResponse(k: { cipher: 'AES'; kEnc: Uint8Array; kMac: Uint8Array }): void }) {
        if (cmd.ins !== 0xee) return undefined;
        ctx.setSessionKeysAfterResponse({ cipher: 'AES', kEnc, kMac });
        return { data: new Uint8Array(0), sw: 0x9000 };
      },
    };
    const c = chip({ bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } }, { extensions: [ext] });
    const r = await establishAccess(chipTransport(c), mrzKey);
    expect(toHex(await r.channel.transmit(fromHex('00EE0000')))).toBe('9000');
    r.channel.setKeys({ cipher: 'AES', kEnc, kMac });
    expect(toHex(await readAll(r.channel, 0x011e))).toBe(toHex(COM));
  });
});
