/** Extended-length detection from the ATS historical bytes (ISO/IEC 7816-4 card capabilities) and the APDU length encoding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../main/base/bytes.js';
import { declaresExtendedLength, isExtendedLengthApdu, type Pn532TargetA } from '../../../../main/devices/pn532/index.js';

function targetWithAts(ats: Uint8Array | undefined): Pn532TargetA {
  const t: Pn532TargetA = { type: 'A', tg: 1, sensRes: fromHex('0004'), atqa: 4, sak: 0x20, uid: fromHex('08123456'), iso14443_4: true };
  if (ats) t.ats = ats;
  return t;
}

describe('declaresExtendedLength', () => {
  it('reads b7 of the third software function table (compact-TLV tag 7) after the interface bytes', () => {
    // TL T0(TA,TB,TC) TA TB TC | 80 | 73 00 00 40: extended Lc/Le.
    expect(declaresExtendedLength(targetWithAts(fromHex('0A788070028073000040')))).toBe(true);
    // Same, b7 clear (only command chaining, b8).
    expect(declaresExtendedLength(targetWithAts(fromHex('0A788070028073000080')))).toBe(false);
    // Category 00: compact-TLV objects, then 3 status bytes; a card service data object (31) first.
    expect(declaresExtendedLength(targetWithAts(fromHex('0F7880700200' + '3180' + '73000040' + '019000')))).toBe(true);
    // T0 without TB/TC: historical bytes start earlier.
    expect(declaresExtendedLength(targetWithAts(fromHex('0818' + '80' + '80' + '730000C0')))).toBe(true);
    // No historical bytes (the virtual passport, a DESFire-like ATS with category 0x75...), no ATS, type B.
    expect(declaresExtendedLength(targetWithAts(fromHex('0578807002')))).toBe(false);
    expect(declaresExtendedLength(targetWithAts(fromHex('067577810280')))).toBe(false);
    expect(declaresExtendedLength(targetWithAts(undefined))).toBe(false);
    // A card capabilities object running past TL is ignored.
    expect(declaresExtendedLength(targetWithAts(fromHex('08788070028073000040')))).toBe(false);
  });

  it('never throws, whatever the ATS bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (ats) => {
        expect(typeof declaresExtendedLength(targetWithAts(ats))).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isExtendedLengthApdu', () => {
  it('tells the extended encoding (00 after P2, 2-byte fields) from the short one', () => {
    expect(isExtendedLengthApdu(fromHex('00B0000000'))).toBe(false); // case 2S, Le 256
    expect(isExtendedLengthApdu(fromHex('00B00000000000'))).toBe(true); // case 2E, Le 65536
    expect(isExtendedLengthApdu(fromHex('0CB000000D970200008E08' + '0102030405060708' + '0000'))).toBe(false); // case 4S
    expect(isExtendedLengthApdu(fromHex('0CB0000000000D9702' + '0000' + '8E08' + '0102030405060708' + '0000'))).toBe(true); // case 4E
    expect(isExtendedLengthApdu(fromHex('00A4020C02011E'))).toBe(false); // case 3S
  });
});
