/** ICAO 9303 Part 3, 4.9: check digit with weights 7, 3, 1; `<` = 0, A..Z = 10..35. */
export function charValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (c === '<') return 0;
  return -1;
}

/** The check digit of `s` (0-9), or -1 when `s` holds a character outside 0-9, A-Z and `<`. */
export function checkDigit(s: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const v = charValue(s[i] as string);
    if (v < 0) return -1;
    sum += v * (weights[i % 3] as number);
  }
  return sum % 10;
}
