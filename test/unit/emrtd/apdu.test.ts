import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import {
  ApduError, Cmd, encodeCommandApdu, parseCommandApdu, parseResponseApdu, requireSw, StatusWordError, describeSw, swHex, isSuccessSw,
} from '../../../main/emrtd/apdu.js';
import { KioskError } from '../../../main/base/errors.js';

describe('command APDUs (ISO 7816-4 §5.1)', () => {
  it('encodes the short cases', () => {
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }))).toBe('0084000008');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe('00B0000000');
    expect(toHex(encodeCommandApdu(Cmd.selectAid(fromHex('A0000002471001'))))).toBe('00A4040C07A0000002471001');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x86, p1: 0, p2: 0, data: fromHex('7C00'), le: 256 }))).toBe('00860000027C0000');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x20, p1: 0, p2: 0 }))).toBe('00200000');
  });
  it('encodes the extended cases', () => {
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 }))).toBe('00B00000000000');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 }))).toBe('00B000000003E8');
    const data = new Uint8Array(300);
    const c = encodeCommandApdu({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data, le: 256 });
    expect(toHex(c.subarray(4, 7))).toBe('00012C');
    expect(toHex(c.subarray(c.length - 2))).toBe('0100');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }, { extended: true }))).toBe('0084000000' + '0008');
  });
  it('READ BINARY helpers: SFI, B1 with DO54', () => {
    expect(toHex(encodeCommandApdu(Cmd.readBinarySfi(0x1c, 0, 256)))).toBe('00B09C0000');
    expect(toHex(encodeCommandApdu(Cmd.readBinaryOdd(0x9c36, 16)))).toBe('00B100000454029C3610');
    expect(() => Cmd.readBinary(0x8000, 1)).toThrow(ApduError);
  });
  it('rejects bad headers and lengths with ApduError', () => {
    expect(() => encodeCommandApdu({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(ApduError);
    expect(() => encodeCommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(ApduError);
    expect(() => parseCommandApdu(fromHex('00B000'))).toThrow(ApduError);
    expect(() => parseCommandApdu(fromHex('00A4040C07A00000'))).toThrow(ApduError);
  });

  const apduArb = fc.record({
    cla: fc.integer({ min: 0, max: 255 }), ins: fc.integer({ min: 0, max: 255 }), p1: fc.integer({ min: 0, max: 255 }), p2: fc.integer({ min: 0, max: 255 }),
    data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 400 }), { nil: undefined }),
    le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
  });
  it('encode/parse round-trips every case', () => {
    fc.assert(fc.property(apduArb, fc.boolean(), (cmd, ext) => {
      const p = parseCommandApdu(encodeCommandApdu(cmd, { extended: ext }));
      expect(p.cla).toBe(cmd.cla);
      expect(p.ins).toBe(cmd.ins);
      expect(toHex(p.data)).toBe(toHex(cmd.data ?? new Uint8Array(0)));
      expect(p.le).toBe(cmd.le);
    }), { numRuns: 500 });
  });
  it('the command parser throws nothing but ApduError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try {
        parseCommandApdu(b);
      } catch (e) {
        if (!(e instanceof ApduError)) throw e;
      }
    }), { numRuns: 2000 });
  });
});

describe('response APDUs and status words', () => {
  it('splits data and SW', () => {
    const r = parseResponseApdu(fromHex('01029000'));
    expect(toHex(r.data)).toBe('0102');
    expect(r.sw).toBe(0x9000);
    expect(() => parseResponseApdu(fromHex('90'))).toThrow(ApduError);
  });
  it('the response parser throws nothing but ApduError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      try {
        parseResponseApdu(b);
      } catch (e) {
        if (!(e instanceof ApduError)) throw e;
      }
    }), { numRuns: 1000 });
  });
  it('StatusWordError carries the SW and a description', () => {
    try {
      requireSw({ data: new Uint8Array(0), sw: 0x6a82 }, 'SELECT');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StatusWordError);
      expect(e).toBeInstanceOf(KioskError);
      expect((e as StatusWordError).sw).toBe(0x6a82);
      expect((e as StatusWordError).message).toMatch(/6A82.*not found/);
    }
    expect(describeSw(0x6c10)).toMatch(/16 bytes/);
    expect(describeSw(0x63c2)).toMatch(/2 tries/);
    expect(swHex(0x9000)).toBe('9000');
    expect(isSuccessSw(0x6110)).toBe(true);
  });
});
