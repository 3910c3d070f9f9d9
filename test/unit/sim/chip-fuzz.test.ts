import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../main/base/bytes.js';
import { KioskError } from '../../../main/base/errors.js';
import { createVirtualChip } from '../../../main/sim/chip/index.js';
import { establishAccess } from '../../../main/emrtd/access.js';
import { mrzInformation } from '../../../main/emrtd/bac.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const MRZ = mrzInformation('L898902C', '690806', '940623');

function newChip(pace: boolean) {
  return createVirtualChip({
    files: new Map([[0x011e, fromHex('60145F0104303130365F36063034303030305C026175')], [0x0101, new Uint8Array(300).fill(0x41)]]),
    mrzInformation: MRZ,
    can: '123456',
    accessControl: { bac: true, ...(pace ? { pace: { curve: 'P-256' as const, cipher: 'AES-128' as const } } : {}) },
    chipTimeMs: false,
    extensions: [{ handle: (c) => { if (c.ins === 0x88) throw new Error('extension bug'); return undefined; } }],
  });
}

const apduArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.record({
    cla: fc.constantFrom(0x00, 0x0c, 0x10, 0x1c, 0x80),
    ins: fc.constantFrom(0xa4, 0xb0, 0xb1, 0x84, 0x82, 0x22, 0x86, 0x88, 0x2a, 0xca),
    p1: fc.integer({ min: 0, max: 255 }),
    p2: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 80 }),
    le: fc.integer({ min: 0, max: 255 }),
  }).map((c) => Uint8Array.from([c.cla, c.ins, c.p1, c.p2, ...(c.data.length ? [c.data.length, ...c.data] : []), c.le])),
);

describe('virtual chip robustness', () => {
  it('answers any byte sequence with a status word and never throws (plain, or during secure messaging)', async () => {
    for (const pace of [false, true]) {
      const chip = newChip(pace);
      const t: ApduTransport = { maxLe: 231, async transmit(c) { return chip.transceive(c).response; } };
      fc.assert(fc.property(fc.array(apduArb, { maxLength: 12 }), (apdus) => {
        for (const a of apdus) {
          const r = chip.transceive(a);
          expect(r.response.length).toBeGreaterThanOrEqual(2);
          expect(r.chipTimeMs).toBe(0);
        }
      }), { numRuns: 150 });
      // Also fuzz an authenticated chip.
      await establishAccess(t, { kind: 'mrz', mrzInformation: MRZ });
      fc.assert(fc.property(apduArb, (a) => {
        expect(chip.transceive(a).response.length).toBeGreaterThanOrEqual(2);
      }), { numRuns: 300 });
    }
  });
});

describe('terminal robustness', () => {
  it('establishAccess throws nothing but KioskErrors whatever the chip answers', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 12 }), fc.boolean(), async (answers, pace) => {
      let i = 0;
      const ca = fromHex('31143012060A04007F0007020204020202010202010D');
      const t: ApduTransport = {
        maxLe: 231,
        async transmit() {
          const a = answers[i++ % answers.length]!;
          return a;
        },
      };
      try {
        await establishAccess(t, { kind: 'mrz', mrzInformation: MRZ }, pace ? { cardAccess: ca } : {});
      } catch (e) {
        if (!(e instanceof KioskError)) throw e;
      }
    }), { numRuns: 300 });
  });

  it('establishAccess against a half-scripted chip: valid status words with random data', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 70 }), { minLength: 1, maxLength: 10 }), async (datas) => {
      let i = 0;
      const ca = fromHex('31143012060A04007F0007020204020202010202010D');
      const t: ApduTransport = {
        maxLe: 231,
        async transmit() {
          const d = datas[i++ % datas.length]!;
          return Uint8Array.from([...d, 0x90, 0x00]);
        },
      };
      try {
        await establishAccess(t, { kind: 'mrz', mrzInformation: MRZ }, { cardAccess: ca });
      } catch (e) {
        if (!(e instanceof KioskError)) throw e;
      }
    }), { numRuns: 300 });
  });
});
