/** fast-check generators of valid MRZ field sets, per format (shared by the property tests and the benchmark). */
import fc from 'fast-check';
import { MRZ_COUNTRY_CODES, MRZ_LAYOUTS, type MrzFields, type MrzFormat } from '../../../main/mrz/index.js';

export const TODAY = new Date('2026-01-15T00:00:00Z');
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const ALNUM = [...LETTERS, ...'0123456789'];
const COUNTRIES = [...MRZ_COUNTRY_CODES].sort();
const DAY = 86_400_000;

const str = (chars: string[], minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });

const yymmdd = (t: number): string => new Date(t).toISOString().slice(2, 10).replace(/-/g, '');

/** A date of birth within the last 99 years, an expiry date within (today - 79 y, today + 20 y). */
const birth = fc.integer({ min: 0, max: 99 * 365 }).map((d) => yymmdd(TODAY.getTime() - d * DAY));
const expiry = fc.integer({ min: -79 * 365, max: 20 * 365 - 10 }).map((d) => yymmdd(TODAY.getTime() + d * DAY));

const words = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(str(LETTERS, 1, 12), { minLength: min, maxLength: max }).map((w) => w.join(' '));

const CODE_LETTERS: Record<MrzFormat, string[]> = { TD3: ['P'], MRVA: ['V'], MRVB: ['V'], TD1: ['A', 'C', 'I'], TD2: ['A', 'C', 'I'] };
const OPTIONAL: Record<MrzFormat, number> = { TD1: 15, TD2: 7, TD3: 0, MRVA: 16, MRVB: 8 };

/** Valid fields for `format`, fitting without truncation, as parseMrz reports them. */
export function validFields(format: MrzFormat): fc.Arbitrary<MrzFields> {
  const layout = MRZ_LAYOUTS[format];
  const nameLength = layout.name.length;
  const maxRest = format === 'TD1' ? 12 : format === 'TD2' ? 5 : 0;
  const docNumber = maxRest > 0
    ? fc.oneof(str(ALNUM, 1, 9), fc.tuple(str(ALNUM, 9, 9), str(ALNUM, 1, maxRest)).map(([a, b]) => a + b))
    : str(ALNUM, 1, 9);
  return fc
    .record({
      documentCode: fc
        .tuple(fc.constantFrom(...CODE_LETTERS[format]), fc.oneof(fc.constant(''), fc.constantFrom(...LETTERS.filter((c) => c !== 'V' || format === 'TD3' || format.startsWith('MRV')))))
        .map(([a, b]) => a + b),
      issuingState: fc.constantFrom(...COUNTRIES),
      nationality: fc.constantFrom(...COUNTRIES),
      surname: words(1, 3),
      givenNames: words(0, 3),
      documentNumber: docNumber,
      birthDate: birth,
      sex: fc.constantFrom('M', 'F', 'X', '<'),
      expiryDate: expiry,
      personalNumber: format === 'TD3' ? str(ALNUM, 0, 14) : fc.constant(''),
      optionalData: str(ALNUM, 0, OPTIONAL[format]),
      optionalData2: format === 'TD1' ? str(ALNUM, 0, 11) : fc.constant(''),
    })
    .map((f) => {
      const ext = f.documentNumber.length > 9 ? f.documentNumber.length - 9 + 2 : 0;
      return { ...f, optionalData: f.optionalData.slice(0, Math.max(0, OPTIONAL[format] - ext)) };
    })
    .filter((f) => {
      const name = f.givenNames ? `${f.surname}<<${f.givenNames}` : f.surname;
      return name.length <= nameLength;
    })
    .map((f) => {
      const out: MrzFields = {};
      for (const k of layout.fields) out[k] = f[k as keyof typeof f] ?? '';
      return out;
    });
}

export const anyFormat: fc.Arbitrary<MrzFormat> = fc.constantFrom('TD1', 'TD2', 'TD3', 'MRVA', 'MRVB');

export const validDocument: fc.Arbitrary<{ format: MrzFormat; fields: MrzFields }> = anyFormat.chain((format) =>
  validFields(format).map((fields) => ({ format, fields })),
);
