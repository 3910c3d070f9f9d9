import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { KioskError } from '../../../main/base/errors.js';
import { encodeCommandApdu } from '../../../main/emrtd/apdu.js';
import { SmCodec, type SmKeys } from '../../../main/emrtd/sm/codec.js';
import { SecureMessagingError } from '../../../main/emrtd/sm/errors.js';
import { SmChannel } from '../../../main/emrtd/sm/channel.js';

const keySets: SmKeys[] = [
  { cipher: '3DES', kEnc: fromHex('979EC13B1CBFE9DCD01AB0FED307EAE5'), kMac: fromHex('F1CB1F1FB5ADF208806B89DC579DC1F8'), ssc: fromHex('887022120C06C226') },
  { cipher: 'AES', kEnc: fromHex('F5F0E35C0D7161EE6724EE513A0D9A7F'), kMac: fromHex('FE251C7858B356B24514B3BD5F4297D1') },
  { cipher: 'AES', kEnc: new Uint8Array(32).fill(1), kMac: new Uint8Array(32).fill(2) },
];

const cmdArb = fc.record({
  ins: fc.constantFrom(0xa4, 0xb0, 0xb1, 0x86, 0xd6),
  p1: fc.integer({ min: 0, max: 255 }),
  p2: fc.integer({ min: 0, max: 255 }),
  data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 300 }), { nil: undefined }),
  le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
});

describe('secure messaging wrap/unwrap', () => {
  for (const keys of keySets) {
    it(`round-trips commands and responses (${keys.cipher}-${keys.kEnc.length * 8})`, () => {
      fc.assert(fc.property(cmdArb, fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0x6000, max: 0x9fff }), (cmd, respData, sw) => {
        const host = new SmCodec(keys);
        const chip = new SmCodec(keys);
        const wrapped = host.wrapCommand({ cla: 0, ...cmd });
        const u = chip.unwrapCommand(wrapped);
        expect(u.ins).toBe(cmd.ins);
        expect(u.cla).toBe(0);
        expect(toHex(u.data)).toBe(toHex(cmd.data ?? new Uint8Array(0)));
        expect(u.le).toBe(cmd.le);
        const r = host.unwrapResponse(chip.wrapResponse(respData, sw, cmd.ins));
        expect(toHex(r.data)).toBe(toHex(respData));
        expect(r.sw).toBe(sw);
        expect(toHex(host.ssc)).toBe(toHex(chip.ssc));
      }), { numRuns: 150 });
    });
  }

  it('detects any flipped bit in a protected response as a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (data, pos) => {
      const host = new SmCodec(keySets[1]!);
      const chip = new SmCodec(keySets[1]!);
      chip.unwrapCommand(host.wrapCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 64 }));
      const resp = chip.wrapResponse(data, 0x9000, 0xb0);
      const i = pos % (resp.length - 2);
      resp[i] = resp[i]! ^ 0x01;
      expect(() => host.unwrapResponse(resp)).toThrow(SecureMessagingError);
    }), { numRuns: 300 });
  });

  it('an SM response to a wrong SSC fails with SM_BAD_MAC', () => {
    const host = new SmCodec(keySets[0]!);
    const chip = new SmCodec(keySets[0]!);
    chip.unwrapCommand(host.wrapCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
    chip.wrapResponse(fromHex('01020304'), 0x9000); // lost
    const second = chip.wrapResponse(fromHex('01020304'), 0x9000);
    expect(() => host.unwrapResponse(second)).toThrow(expect.objectContaining({ code: 'SM_BAD_MAC' }));
  });

  it('uses the extended form for long data or a large Ne', () => {
    const host = new SmCodec(keySets[1]!);
    const w = host.wrapCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 });
    expect(w[4]).toBe(0x00);
    expect(toHex(w.subarray(w.length - 2))).toBe('0000');
    const w2 = host.wrapCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(400) });
    expect(toHex(w2.subarray(4, 5))).toBe('00');
  });

  it('the response unwrapper throws nothing but typed errors on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (b, aes) => {
      const host = new SmCodec(keySets[aes ? 1 : 0]!);
      try {
        host.unwrapResponse(b);
      } catch (e) {
        if (!(e instanceof KioskError)) throw e;
      }
    }), { numRuns: 2000 });
  });

  it('the command unwrapper (chip side) throws nothing but SecureMessagingError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      const chip = new SmCodec(keySets[1]!);
      try {
        chip.unwrapCommand(b);
      } catch (e) {
        if (!(e instanceof SecureMessagingError)) throw e;
      }
    }), { numRuns: 2000 });
  });

  it('plain status words from the chip mean the session was aborted', () => {
    const host = new SmCodec(keySets[1]!);
    host.wrapCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 });
    expect(() => host.unwrapResponse(fromHex('6988'))).toThrow(expect.objectContaining({ code: 'SM_SESSION_ABORTED', sw: 0x6988 }));
  });

  it('setKeys resets the SSC to zero unless one is given', () => {
    const c = new SmCodec(keySets[0]!);
    c.wrapCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1 });
    c.setKeys({ cipher: 'AES', kEnc: new Uint8Array(16), kMac: new Uint8Array(16) });
    expect(toHex(c.ssc)).toBe('00'.repeat(16));
    expect(encodeCommandApdu).toBeDefined();
  });
});

describe('SmChannel', () => {
  it('lowers a READ BINARY Ne so that the protected response fits 256 bytes (no extended lengths)', async () => {
    for (const keys of [keySets[0]!, keySets[1]!]) {
      const chip = new SmCodec(keys);
      let seenLe: number | undefined;
      let responseLength = 0;
      const transport = {
        maxLe: 256,
        async transmit(cmd: Uint8Array) {
          const u = chip.unwrapCommand(cmd);
          seenLe = u.le;
          const r = chip.wrapResponse(new Uint8Array(u.le ?? 0), 0x9000, u.ins);
          responseLength = r.length - 2;
          return r;
        },
      };
      const ch = new SmChannel(transport, keys);
      const r = await ch.transmit(fromHex('00B00000' + 'E7'));
      expect(seenLe).toBe(keys.cipher === 'AES' ? 223 : 231);
      expect(r.length - 2).toBe(seenLe);
      expect(responseLength).toBeLessThanOrEqual(256);
    }
  });
});
