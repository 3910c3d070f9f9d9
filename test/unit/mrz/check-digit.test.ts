import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { charValue, checkDigit } from '../../../main/mrz/index.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/mrz/icao9303-p3-check-digits.json', import.meta.url), 'utf8')) as {
  cases: Array<{ input: string; checkDigit: string; note?: string }>;
};

describe('check digits (ICAO 9303 Part 3, 4.9)', () => {
  it.each(vectors.cases)('$input → $checkDigit', ({ input, checkDigit: expected }) => {
    expect(String(checkDigit(input))).toBe(expected);
  });

  it('values characters as 0-9, A=10..Z=35, < = 0, anything else -1', () => {
    expect(charValue('0')).toBe(0);
    expect(charValue('9')).toBe(9);
    expect(charValue('A')).toBe(10);
    expect(charValue('Z')).toBe(35);
    expect(charValue('<')).toBe(0);
    expect(charValue('a')).toBe(-1);
    expect(checkDigit('ab')).toBe(-1);
    expect(checkDigit('')).toBe(0);
  });
});
