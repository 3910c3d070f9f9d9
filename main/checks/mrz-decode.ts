/**
 * Turns the OCR-B classifier's scores into MRZ lines. Each position of an ICAO 9303 layout allows
 * only some characters (dates and check digits are digits, state codes and names letters or `<`,
 * sex M/F/X/<), so each cell takes the best-scoring character its position allows: this removes
 * the O/0, I/1, B/8, S/5, Z/2 confusions where the layout already settles them. Alphanumeric
 * fields (document and personal numbers) keep the unconstrained best and are left to the check
 * digits of main/mrz's repair.
 */
export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

type Cls = 'A' | 'N' | 'X' | 'S' | 'C';
// A: letters and <, N: digits and <, X: anything, S: sex (M F X <), C: check digit (digits, < allowed)
const TD3: string[] = ['AAAAA' + 'A'.repeat(39), 'XXXXXXXXX' + 'C' + 'AAA' + 'NNNNNN' + 'C' + 'S' + 'NNNNNN' + 'C' + 'X'.repeat(14) + 'C' + 'C'];
const TD2: string[] = ['AAAAA' + 'A'.repeat(31), 'XXXXXXXXX' + 'C' + 'AAA' + 'NNNNNN' + 'C' + 'S' + 'NNNNNN' + 'C' + 'X'.repeat(7) + 'C'];
const TD1: string[] = ['AAAAA' + 'XXXXXXXXX' + 'C' + 'X'.repeat(15), 'NNNNNN' + 'C' + 'S' + 'NNNNNN' + 'C' + 'AAA' + 'X'.repeat(11) + 'C', 'A'.repeat(30)];

function allowed(cls: Cls, ch: string): boolean {
  const digit = ch >= '0' && ch <= '9';
  const letter = ch >= 'A' && ch <= 'Z';
  switch (cls) {
    case 'A':
      return letter || ch === '<';
    case 'N':
    case 'C':
      return digit || ch === '<';
    case 'S':
      return ch === 'M' || ch === 'F' || ch === 'X' || ch === '<';
    default:
      return true;
  }
}

export interface DecodedLine {
  text: string;
  /** Per character: best score and margin over the best other allowed character. */
  scores: number[];
  margins: number[];
}

export function layoutFor(lineCount: number, chars: number): string[] | null {
  if (lineCount === 3 && chars === 30) return TD1;
  if (lineCount === 2 && chars === 44) return TD3;
  if (lineCount === 2 && chars === 36) return TD2;
  return null;
}

/** scores: [chars x 37] for one line. */
export function decodeLine(scores: Float32Array, chars: number, classes: string | null, constrain = true): DecodedLine {
  const K = MRZ_ALPHABET.length;
  let text = '';
  const best: number[] = [];
  const margins: number[] = [];
  for (let i = 0; i < chars; i++) {
    const cls = (constrain && classes ? classes[i] : 'X') as Cls;
    let b = -1;
    let bs = -Infinity;
    let second = -Infinity;
    for (let k = 0; k < K; k++) {
      const ch = MRZ_ALPHABET[k] as string;
      if (!allowed(cls, ch)) continue;
      const v = scores[i * K + k] as number;
      if (v > bs) {
        second = bs;
        bs = v;
        b = k;
      } else if (v > second) second = v;
    }
    text += MRZ_ALPHABET[b] ?? '<';
    best.push(bs);
    margins.push(bs - second);
  }
  return { text, scores: best, margins };
}
