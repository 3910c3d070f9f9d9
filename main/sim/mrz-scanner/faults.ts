/** Faults a real scanner line shows: noise, OCR confusions. Deterministic given a seed. */

import { seededRandom } from '../../base/random.js';
export { seededRandom };

/**
 * Line noise: bytes that are neither MRZ characters nor any framing's control bytes
 * (SOH, STX, ETX, LF, CR, FS, GS), as a scanner's line shows on power-up or with a bad cable.
 */
export const NOISE_BYTES: readonly number[] = [
  0x00, 0x04, 0x07, 0x08, 0x11, 0x13, 0x18, 0x1b, 0x7f, 0x80, 0x8f, 0x9c, 0xaa, 0xc3, 0xe2, 0xfe, 0xff,
];

export function noise(rand: () => number, min = 1, max = 8): Uint8Array {
  const n = min + Math.floor(rand() * (max - min + 1));
  return Uint8Array.from({ length: n }, () => NOISE_BYTES[Math.floor(rand() * NOISE_BYTES.length)]!);
}

/** The usual OCR-B confusions of MRZ readers (both ways), and K or L read for `<`. */
export const OCR_CONFUSIONS: Readonly<Record<string, string>> = {
  '0': 'O',
  O: '0',
  '1': 'I',
  I: '1',
  '8': 'B',
  B: '8',
  '5': 'S',
  S: '5',
  '2': 'Z',
  Z: '2',
  '6': 'G',
  G: '6',
  D: '0',
  '<': 'K',
};

/**
 * Applies `count` OCR confusions to the last line (the data line of TD2/TD3, where a confusion
 * matters most), at positions drawn from `rand`. Returns the new lines and what was changed.
 */
export function ocrConfuse(
  lines: readonly string[],
  rand: () => number,
  count = 1,
): { lines: string[]; changes: Array<{ line: number; column: number; from: string; to: string }> } {
  const out = [...lines];
  const li = out.length - 1;
  const changes: Array<{ line: number; column: number; from: string; to: string }> = [];
  if (li < 0) return { lines: out, changes };
  const chars = [...out[li]!];
  const candidates = chars.map((c, i) => (c in OCR_CONFUSIONS && c !== '<' ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < count && candidates.length > 0; k++) {
    const pick = candidates.splice(Math.floor(rand() * candidates.length), 1)[0]!;
    const from = chars[pick]!;
    const to = OCR_CONFUSIONS[from]!;
    chars[pick] = to;
    changes.push({ line: li + 1, column: pick + 1, from, to });
  }
  out[li] = chars.join('');
  return { lines: out, changes };
}
