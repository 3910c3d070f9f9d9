import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeTlv, parseTlv, parseTlvs } from '../../../main/base/tlv.js';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { FormatError } from '../../../main/base/errors.js';

describe('BER-TLV', () => {
  it('parses multi-byte tags, long lengths and nesting', () => {
    // 61 (DG1 template) containing 5F1F with 3 bytes.
    const t = parseTlv(fromHex('6106 5F1F03414243'));
    expect(t.tag).toBe(0x61);
    expect(t.constructed).toBe(true);
    expect(t.children?.[0]?.tag).toBe(0x5f1f);
    expect(toHex(t.children![0]!.value)).toBe('414243');
    const long = encodeTlv(0x04, new Uint8Array(300));
    expect(toHex(long.subarray(0, 4))).toBe('0482012C');
    expect(parseTlv(long).value.length).toBe(300);
  });

  it('accepts indefinite lengths only when asked', () => {
    const bytes = fromHex('3080 0201050000');
    expect(() => parseTlv(bytes)).toThrow(FormatError);
    const t = parseTlv(bytes, { allowIndefinite: true });
    expect(t.children?.[0]?.value[0]).toBe(5);
    expect(t.totalLength).toBe(bytes.length);
  });

  it('rejects truncated and oversized input with typed errors', () => {
    expect(() => parseTlv(fromHex('5F1F05414243'))).toThrow(/TLV value needs 5 bytes/);
    expect(() => parseTlv(fromHex('048500000001'))).toThrowError(FormatError);
    expect(() => parseTlv(fromHex('0484FFFFFFFF00'))).toThrowError(FormatError);
  });

  it('never throws anything but FormatError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (b, indef) => {
        try {
          parseTlvs(b, { allowIndefinite: indef });
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips encode → parse', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x04, 0x5f1f, 0x5f2e, 0x1f8101), fc.uint8Array({ maxLength: 600 }), (tag, v) => {
        const t = parseTlv(encodeTlv(tag, v));
        expect(t.tag).toBe(tag);
        expect(toHex(t.value)).toBe(toHex(v));
      }),
    );
  });
});
