import { describe, expect, it } from 'vitest';
import { buildMrz, definiteFillerOffsets, parseMrz, type MrzResult } from './helpers.js';

const today = new Date('2026-01-15T00:00:00Z');
const parse = (lines: string | string[], repair = true): MrzResult => parseMrz(lines, { today, repair });
const L1 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
const L2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const TD1 = ['I<UTOD231458907ABC<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const LONG = ['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'];
const at = (s: string, col: number, c: string): string => s.slice(0, col - 1) + c + s.slice(col);
const original = parseMrz([L1, L2], { today }).fields;

describe('OCR repair: single confusions', () => {
  it.each([
    ['O for 0 in a date', [L1, at(L2, 16, 'O')], { line: 2, column: 16, from: 'O', to: '0', field: 'birthDate' }],
    ['D for 0 in a date', [L1, at(L2, 24, 'D')], { line: 2, column: 24, from: 'D', to: '0', field: 'expiryDate' }],
    ['I for 1 in a check digit', [L1, at(L2, 43, 'I')], { line: 2, column: 43, from: 'I', to: '1', field: 'personalNumber' }],
    ['O for 0 in the composite', [L1, at(L2, 44, 'O')], { line: 2, column: 44, from: 'O', to: '0' }],
    ['B for 8 in a date', [L1, at(L2, 17, 'B')], { line: 2, column: 17, from: 'B', to: '8', field: 'birthDate' }],
    ['S for 5 in a date', [L1, at(L2, 27, 'S')], { line: 2, column: 27, from: 'S', to: '5', field: 'expiryDate' }],
    ['Z for 2 in a date', [L1, at(L2, 19, 'Z')], { line: 2, column: 19, from: 'Z', to: '2', field: 'birthDate' }],
    ['0 for O in a country code', [L1, at(L2, 13, '0')], { line: 2, column: 13, from: '0', to: 'O', field: 'nationality' }],
    ['1 for I in a name', [at(L1, 8, '1'), L2], { line: 1, column: 8, from: '1', to: 'I', field: 'surname' }],
    ['5 for S in a name', [at(L1, 10, '5'), L2], { line: 1, column: 10, from: '5', to: 'S', field: 'surname' }],
    ['O for 0 in the document number', [L1, at(L2, 6, 'O')], { line: 2, column: 6, from: 'O', to: '0', field: 'documentNumber' }],
    ['K for < in a filler run of the personal number', [L1, at(L2, 40, 'K')], { line: 2, column: 40, from: 'K', to: '<', field: 'personalNumber' }],
    ['L for < in a filler run of the name', [at(L1, 40, 'L'), L2], { line: 1, column: 40, from: 'L', to: '<', field: 'givenNames' }],
  ] as const)('%s', (_name, lines, correction) => {
    const r = parse([...lines]);
    expect(r.valid).toBe(true);
    expect(r.fields).toEqual(original);
    expect(r.corrections).toEqual([correction]);
    // Without repair the same lines are invalid, or (K and names are invisible to check digits) read wrong.
    const raw = parse([...lines], false);
    expect(raw.valid && JSON.stringify(raw.fields) === JSON.stringify(original)).toBe(false);
  });

  it('TD1 optional data (covered only by the composite) is repaired against the composite', () => {
    const r = parse([at(TD1[0]!, 17, '8'), TD1[1]!, TD1[2]!]);
    expect(r.valid).toBe(true);
    expect(r.fields.optionalData).toBe('ABC');
    expect(r.corrections).toEqual([{ line: 1, column: 17, from: '8', to: 'B', field: 'optionalData' }]);
  });

  it('a long document number continued in the optional data', () => {
    const r = parse([LONG[0]!, at(at(LONG[1]!, 3, 'O'), 30, 'Z'), LONG[2]!]);
    expect(r.valid).toBe(true);
    expect(r.fields.documentNumber).toBe('D23145890734');
    expect(r.corrections.map((c) => `${c.line}:${c.column}:${c.to}`)).toEqual(['2:3:0', '2:30:2']);
  });
});

describe('OCR repair: several confusions at once', () => {
  it('lower case, stray spaces and confusions in several fields', () => {
    const r = parse(['p<uto eriksson<<anna<maria<<<<<<<<<<<<<<<<<<<', 'L898902C3 6UT07408122F12O4159ZE184226B<<<<<1O']);
    expect(r.valid).toBe(true);
    expect(r.fields).toEqual(original);
    expect(r.corrections).toContainEqual({ line: 1, column: 6, from: ' ', to: '' });
    expect(r.corrections).toContainEqual({ line: 1, column: 1, from: 'p', to: 'P', field: 'documentCode' });
    expect(r.corrections).toContainEqual({ line: 2, column: 14, from: '0', to: 'O', field: 'nationality' });
    expect(r.corrections).toContainEqual({ line: 2, column: 25, from: 'O', to: '0', field: 'expiryDate' });
    expect(r.corrections).toContainEqual({ line: 2, column: 45, from: 'O', to: '0' });
    expect(r.corrections).toHaveLength(26);
  });

  it('K and L in a name filler run, several of them', () => {
    const r = parse(['P<UTOERIKSSON<<ANNA<MARIA<<<K<<<L<<<<<<<<<<<', L2]);
    expect(r.valid).toBe(true);
    expect(r.corrections.map((c) => c.column)).toEqual([29, 33]);
  });

  it('spaces read for < when the line has the right length with them', () => {
    const r = parse([L1.replace('<<ANNA', '  ANNA'), L2]);
    expect(r.valid).toBe(true);
    expect(r.corrections).toEqual([
      { line: 1, column: 14, from: ' ', to: '<', field: 'surname' },
      { line: 1, column: 15, from: ' ', to: '<', field: 'surname' },
    ]);
  });

  it('one confusion per field in every field of a TD1', () => {
    const r = parse(['1<UT0D23145890<7349<<<<<<<<<<<', '34O7127M95O7122UT0<<<<K<<<<<<Z', 'STEVEN5ON<<PETER<JOHN<<<<K<<<<']);
    expect(r.fields).toEqual(parse(LONG).fields);
    expect(r.valid).toBe(true);
    expect(r.corrections.map((c) => `${c.line}:${c.column}:${c.from}>${c.to}`)).toEqual([
      '1:1:1>I', '1:5:0>O', '2:3:O>0', '2:11:O>0', '2:18:0>O', '2:23:K><', '2:30:Z>2', '3:7:5>S', '3:26:K><',
    ]);
  });
});

describe('OCR repair does not guess', () => {
  it('0 in a name may be O or D: MRZ_AMBIGUOUS with the candidates, input reading kept', () => {
    const r = parse([at(L1, 12, '0'), L2]);
    expect(r.valid).toBe(false);
    expect(r.errors[0]).toMatchObject({
      code: 'MRZ_AMBIGUOUS',
      field: 'surname',
      line: 1,
      column: 12,
      candidates: ['ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'ERIKSSDN<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'],
    });
    expect(r.fields.surname).toBe('ERIKSS0N');
    expect(r.corrections).toEqual([]);
  });

  it('a country code with two valid readings (GBO, GBD)', () => {
    const r = parse(['P<GB0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', L2]);
    expect(r.errors[0]).toMatchObject({ code: 'MRZ_AMBIGUOUS', field: 'issuingState', candidates: ['GBO', 'GBD'] });
  });

  it('a check digit satisfied by two different single swaps', () => {
    const r = parse([L1, at(L2, 32, 'B')]);
    expect(r.valid).toBe(false);
    const amb = r.errors.find((e) => e.code === 'MRZ_AMBIGUOUS');
    expect(amb).toMatchObject({ field: 'personalNumber', line: 2, column: 29 });
    expect(amb?.candidates).toContain('ZE184226B<<<<<1');
    expect(amb?.candidates).toHaveLength(2);
    expect(r.fields.personalNumber).toBe('ZE1B4226B');
  });

  it('L right after data may be a letter or a filler: ambiguous when both fit', () => {
    const r = parse([L1, at(L2, 38, 'L')]);
    expect(r.errors.find((e) => e.code === 'MRZ_AMBIGUOUS')?.candidates).toContain('ZE184226B<<<<<1');
  });

  it('a valid reading is never changed, even if another reading would also fit', () => {
    // G and 6 weigh the same in a check digit (16 vs 6): the reading as printed is kept.
    const r = parse([L1, L2]);
    expect(r.corrections).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('a single-letter given name K after the primary separator is a name, not a filler', () => {
    const r = parse(['P<UTOSMITH<<K<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<', L2]);
    expect(r.fields.givenNames).toBe('K');
    expect(r.corrections).toEqual([]);
  });

  it('a check that no confusion can fix is reported as a check-digit error', () => {
    const r = parse([L1, at(L2, 28, '8')]);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(['MRZ_CHECK_DIGIT', 'MRZ_CHECK_DIGIT']);
    expect(r.corrections).toEqual([]);
  });
});

describe('K and L in filler runs under a check digit', () => {
  const td1 = (optionalData2: string): string[] =>
    buildMrz('TD1', { issuingState: 'UTO', nationality: 'UTO', documentNumber: 'D23145890', birthDate: '740812', sex: 'F', expiryDate: '120415', surname: 'ERIKSSON', givenNames: 'ANNA', optionalData2 });
  it('an L that the composite confirms is data, and stays', () => {
    const r = parse(td1('AB<<L'));
    expect(r.valid).toBe(true);
    expect(r.fields.optionalData2).toBe('AB<<L');
    expect(r.corrections).toEqual([]);
  });
  it('an L read for < is found by the composite', () => {
    const lines = td1('AB');
    const r = parse([lines[0]!, at(lines[1]!, 23, 'L'), lines[2]!]);
    expect(r.valid).toBe(true);
    expect(r.fields.optionalData2).toBe('AB');
    expect(r.corrections).toEqual([{ line: 2, column: 23, from: 'L', to: '<', field: 'optionalData2' }]);
  });
  it('K weighs the same as < in a check digit: in a definite filler run it is read as <', () => {
    const lines = td1('AB');
    const r = parse([lines[0]!, at(lines[1]!, 23, 'K'), lines[2]!]);
    expect(r.valid).toBe(true);
    expect(r.corrections).toEqual([{ line: 2, column: 23, from: 'K', to: '<', field: 'optionalData2' }]);
  });
  it('an empty personal number with a < check digit holds only fillers', () => {
    const lines = buildMrz('TD3', { issuingState: 'UTO', nationality: 'UTO', documentNumber: 'AA', birthDate: '740812', sex: 'F', expiryDate: '120415', surname: 'ERIKSSON' });
    const r = parse([lines[0]!, at(lines[1]!, 30, 'L')]);
    expect(r.valid).toBe(true);
    expect(r.corrections).toEqual([{ line: 2, column: 30, from: 'L', to: '<', field: 'personalNumber' }]);
  });
});

describe('definite filler runs', () => {
  it.each([
    ['ERIKSSON<<ANNA<MARIA<<K<<', true, [22]],
    ['SMITH<<K<<<', true, []],
    ['SMITH<<<K<<', true, [8]],
    ['SMITH<<JOHN<K<<', true, []],
    ['K<<<<', true, []],
    ['AB<<K<<L', false, [4, 7]],
    ['AB<K<<', false, []],
    ['ABK<<', false, []],
  ] as const)('%s (name: %s) → %j', (s, isName, expected) => {
    expect(definiteFillerOffsets(s, isName)).toEqual(expected);
  });
});
