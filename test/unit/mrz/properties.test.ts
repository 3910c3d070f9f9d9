import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMrz, MRZ_LAYOUTS, parseMrz, type MrzFormat, type MrzSpan } from './helpers.js';
import { TODAY, validDocument } from './arbitraries.js';

const MRZ_ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'];

describe('properties', () => {
  it('parseMrz never throws, whatever the input', () => {
    const mrzish = fc.string({ unit: fc.constantFrom(...MRZ_ALPHABET, 'o', ' ', '\n', 'K', 'l', '«'), maxLength: 140 });
    const lineOf = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...MRZ_ALPHABET, 'o', ' '), minLength: n - 1, maxLength: n + 1 });
    const shaped = fc.oneof(
      fc.array(lineOf(30), { minLength: 3, maxLength: 3 }),
      fc.array(lineOf(36), { minLength: 2, maxLength: 2 }),
      fc.array(lineOf(44), { minLength: 2, maxLength: 2 }),
    );
    const input = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mrzish, fc.array(fc.string()), shaped, fc.anything());
    fc.assert(
      fc.property(input, fc.boolean(), (x, repair) => {
        const r = parseMrz(x as string, { repair, today: TODAY });
        expect(r.errors.map((e) => e.code)).not.toContain('MRZ_INTERNAL');
        expect(typeof r.valid).toBe('boolean');
        if (r.valid) expect(r.errors).toEqual([]);
      }),
      { numRuns: Number(process.env.MRZ_PROPERTY_RUNS ?? 600) },
    );
  });

  it('every generated valid MRZ: buildMrz → parseMrz gives the same fields, valid, with and without repair', () => {
    fc.assert(
      fc.property(validDocument, ({ format, fields }) => {
        const lines = buildMrz(format, fields);
        for (const repair of [true, false]) {
          const r = parseMrz(lines, { today: TODAY, repair });
          expect(r.errors).toEqual([]);
          expect(r.valid).toBe(true);
          expect(r.format).toBe(format);
          expect(r.fields).toEqual(fields);
          expect(r.corrections).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.MRZ_PROPERTY_RUNS ?? 300) },
    );
  });

  it('a single OCR confusion injected into a valid MRZ is repaired to the original, or reported ambiguous', () => {
    const withInjection = validDocument.chain(({ format, fields }) => {
      const lines = buildMrz(format, fields);
      const options = injections(format, lines);
      return fc.constantFrom(...options).map((inj) => ({ format, fields, lines, inj }));
    });
    let repaired = 0;
    let ambiguous = 0;
    fc.assert(
      fc.property(withInjection, ({ fields, lines, inj }) => {
        const noisy = [...lines];
        const l = noisy[inj.line]!;
        noisy[inj.line] = l.slice(0, inj.index) + inj.to + l.slice(inj.index + 1);
        const r = parseMrz(noisy, { today: TODAY });
        const isAmbiguous = r.errors.some((e) => e.code === 'MRZ_AMBIGUOUS');
        if (isAmbiguous) {
          ambiguous++;
          expect(r.valid).toBe(false);
          return;
        }
        repaired++;
        expect(r.valid).toBe(true);
        expect(r.fields).toEqual(fields);
        expect(r.corrections).toEqual([expect.objectContaining({ line: inj.line + 1, column: inj.index + 1, from: inj.to, to: l[inj.index] })]);
      }),
      { numRuns: Number(process.env.MRZ_PROPERTY_RUNS ?? 700) },
    );
    console.log(`single confusions: ${repaired} repaired, ${ambiguous} reported ambiguous`);
    // Most single confusions are repaired outright.
    expect(repaired).toBeGreaterThan(ambiguous);
  });

  it('lower case and stray spaces anywhere are undone', () => {
    const noisy = validDocument.chain(({ format, fields }) => {
      const lines = buildMrz(format, fields);
      return fc
        .tuple(
          fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }),
          fc.array(fc.array(fc.nat({ max: 44 }), { maxLength: 3 }), { minLength: lines.length, maxLength: lines.length }),
        )
        .map(([lower, spaces]) => ({
          fields,
          lines: lines.map((l, i) => {
            let s = lower[i] ? l.toLowerCase() : l;
            for (const p of spaces[i]!) s = `${s.slice(0, p)} ${s.slice(p)}`;
            return s;
          }),
        }));
    });
    fc.assert(
      fc.property(noisy, ({ fields, lines }) => {
        const r = parseMrz(lines, { today: TODAY });
        expect(r.valid).toBe(true);
        expect(r.fields).toEqual(fields);
      }),
      { numRuns: Number(process.env.MRZ_PROPERTY_RUNS ?? 300) },
    );
  });
});

interface Injection {
  line: number;
  index: number;
  to: string;
}

const READ_AS_LETTER: Record<string, string[]> = { '0': ['O', 'D'], '1': ['I'], '8': ['B'], '5': ['S'], '2': ['Z'], '6': ['G'] };
const READ_AS_DIGIT: Record<string, string> = { O: '0', D: '0', I: '1', B: '8', S: '5', Z: '2', G: '6' };

/**
 * The single OCR confusions that a repair can see, worked out from the layout independently of the
 * engine: digit→letter in numeric positions; letter→digit in letter positions; both ways in
 * alphanumeric positions covered by a check digit, except G/6 (16 and 6 weigh the same mod 10);
 * `<`→K/L after at least three fillers in a field's trailing run. Alphanumeric data covered by no
 * check (visa optional data) cannot be repaired and gets no injection.
 */
function injections(format: MrzFormat, lines: string[]): Injection[] {
  const L = MRZ_LAYOUTS[format];
  const out: Injection[] = [];
  const each = (sp: MrzSpan | undefined, f: (c: string, line: number, index: number) => void): void => {
    if (!sp) return;
    for (let k = 0; k < sp.length; k++) f(lines[sp.line]![sp.start + k]!, sp.line, sp.start + k);
  };
  const numeric = (c: string, line: number, index: number): void => {
    for (const to of READ_AS_LETTER[c] ?? []) out.push({ line, index, to });
  };
  const letters = (c: string, line: number, index: number): void => {
    const d = READ_AS_DIGIT[c];
    if (d) out.push({ line, index, to: d });
  };
  const alnum = (c: string, line: number, index: number): void => {
    if (c !== '6') numeric(c, line, index);
    if (c !== 'G') letters(c, line, index);
  };
  const fillers = (sp: MrzSpan | undefined): void => {
    if (!sp) return;
    const s = lines[sp.line]!.slice(sp.start, sp.start + sp.length);
    for (let k = 3; k < s.length; k++) {
      if (/^<+$/.test(s.slice(k - 3))) for (const to of ['K', 'L']) out.push({ line: sp.line, index: sp.start + k, to });
    }
  };
  for (const sp of [L.birthDate, L.birthDateCheck, L.expiryDate, L.expiryDateCheck, L.documentNumberCheck, L.personalNumberCheck, L.composite?.check]) each(sp, numeric);
  for (const sp of [L.documentCode, L.issuingState, L.nationality, L.name]) each(sp, letters);
  const checked = [L.documentNumber, L.personalNumber, ...(L.composite ? [L.optionalData, L.optionalData2] : [])];
  for (const sp of checked) each(sp, alnum);
  for (const sp of [L.name, L.documentNumber, L.personalNumber, L.optionalData, L.optionalData2]) fillers(sp);
  return out.length > 0 ? out : [{ line: 0, index: 0, to: lines[0]![0]! }];
}
