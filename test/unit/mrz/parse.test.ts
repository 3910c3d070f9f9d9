import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  buildMrz,
  FormatErrorClass,
  isMrzCountryCode,
  MrzError,
  parseMrz,
  parseMrzStrict,
  resolveMrzDate,
  type MrzResult,
} from './helpers.js';

const specimens = JSON.parse(readFileSync(new URL('../../fixtures/mrz/icao9303-specimen-mrz.json', import.meta.url), 'utf8')) as {
  cases: Array<{ format: string; lines: string[]; valid: boolean; fields?: Record<string, string>; failedChecks?: string[]; note?: string }>;
};

const today = new Date('2026-01-15T00:00:00Z');
const parse = (lines: string | string[], repair = false): MrzResult => parseMrz(lines, { today, repair });
const codes = (r: MrzResult): string[] => r.errors.map((e) => e.code);

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907ABC<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const MRVA = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
const MRVB = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<'];

describe('ICAO specimen MRZs (fixtures)', () => {
  it.each(specimens.cases.map((c, i) => ({ ...c, name: `${i}: ${c.format}${c.note ? ` (${c.note.slice(0, 40)})` : ''}` })))('$name', (c) => {
    for (const repair of [false, true]) {
      const r = parseMrz(c.lines, { today, repair });
      expect(r.format).toBe(c.format);
      expect(r.valid).toBe(c.valid);
      if (c.fields) for (const [k, v] of Object.entries(c.fields)) expect(r.fields[k as keyof typeof r.fields], k).toBe(v);
      if (c.failedChecks) {
        expect(r.checks.filter((x) => !x.valid).map((x) => x.field).sort()).toEqual([...c.failedChecks].sort());
        expect(codes(r).every((x) => x === 'MRZ_CHECK_DIGIT')).toBe(true);
      }
      expect(r.corrections).toEqual([]);
    }
  });
});

describe('formats', () => {
  it('detects each format from line count, length and document code', () => {
    expect(parse(TD3).format).toBe('TD3');
    expect(parse(TD1).format).toBe('TD1');
    expect(parse(TD2).format).toBe('TD2');
    expect(parse(MRVA).format).toBe('MRVA');
    expect(parse(MRVB).format).toBe('MRVB');
  });

  it('accepts one string with CR, LF or CRLF line ends and blank lines', () => {
    for (const sep of ['\n', '\r', '\r\n', '\n\n']) expect(parse(TD1.join(sep)).valid).toBe(true);
    expect(parse(`  ${TD3[0]}  \n\t${TD3[1]}\n`).valid).toBe(true);
  });

  it('accepts one line holding the whole MRZ, as DG1 stores it (90, 88 or 72 characters)', () => {
    for (const lines of [TD1, TD2, TD3, MRVA, MRVB]) {
      const r = parse(lines.join(''));
      expect(r.valid).toBe(true);
      expect(r.fields).toEqual(parse(lines).fields);
    }
    expect(parse(TD3.join('').slice(1)).errors[0]?.code).toBe('MRZ_LINE_COUNT');
  });

  it('lists the checks of each format (no composite for visas)', () => {
    expect(parse(TD3).checks.map((c) => c.field)).toEqual(['documentNumber', 'birthDate', 'expiryDate', 'personalNumber', 'composite']);
    expect(parse(TD2).checks.map((c) => c.field)).toEqual(['documentNumber', 'birthDate', 'expiryDate', 'composite']);
    expect(parse(TD1).checks.map((c) => c.field)).toEqual(['documentNumber', 'birthDate', 'expiryDate', 'composite']);
    expect(parse(MRVA).checks.map((c) => c.field)).toEqual(['documentNumber', 'birthDate', 'expiryDate']);
    expect(parse(MRVB).checks.map((c) => c.field)).toEqual(['documentNumber', 'birthDate', 'expiryDate']);
  });

  it('reports every field of the format, empty when blank', () => {
    expect(Object.keys(parse(TD1).fields)).toEqual([
      'documentCode', 'issuingState', 'documentNumber', 'optionalData', 'birthDate', 'sex', 'expiryDate', 'nationality',
      'optionalData2', 'surname', 'givenNames',
    ]);
    expect(parse(MRVA).fields).toMatchObject({ optionalData: '6ZE184226B', nationality: 'XXX' });
    expect(parse(TD2).fields.optionalData).toBe('');
  });

  it('a visa formatted as TD3 is MRV-A; a document code not allowed for the format is an error', () => {
    const p = parse(['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', TD3[1]!]);
    expect(p.format).toBe('TD3');
    expect(p.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_DOCUMENT_CODE', field: 'documentCode', line: 1, column: 1 }));
    const td2 = parse(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', TD2[1]!]);
    expect(codes(td2)).toContain('MRZ_DOCUMENT_CODE');
    // Parts 5 and 6: V is not allowed as the second character of a TD1 or TD2 document code.
    expect(parse(['IVUTOD231458907ABC<<<<<<<<<<<<', TD1[1]!, TD1[2]!]).errors).toEqual([
      expect.objectContaining({ code: 'MRZ_DOCUMENT_CODE', line: 1, column: 2 }),
    ]);
    expect(parse(['IDUTOD231458907ABC<<<<<<<<<<<<', TD1[1]!, TD1[2]!]).valid).toBe(true);
  });
});

describe('every check digit', () => {
  const flip = (lines: string[], line: number, col: number): string[] => {
    const out = [...lines];
    const l = out[line - 1]!;
    const c = l[col - 1]!;
    const d = String((Number(c) + 1) % 10);
    out[line - 1] = l.slice(0, col - 1) + d + l.slice(col);
    return out;
  };
  it.each([
    ['TD3', 2, 10, ['documentNumber', 'composite'], TD3],
    ['TD3', 2, 20, ['birthDate', 'composite'], TD3],
    ['TD3', 2, 28, ['expiryDate', 'composite'], TD3],
    ['TD3', 2, 43, ['personalNumber', 'composite'], TD3],
    ['TD3', 2, 44, ['composite'], TD3],
    ['TD1', 1, 15, ['documentNumber', 'composite'], TD1],
    ['TD1', 2, 7, ['birthDate', 'composite'], TD1],
    ['TD1', 2, 15, ['expiryDate', 'composite'], TD1],
    ['TD1', 2, 30, ['composite'], TD1],
    ['TD2', 2, 10, ['documentNumber', 'composite'], TD2],
    ['TD2', 2, 20, ['birthDate', 'composite'], TD2],
    ['TD2', 2, 28, ['expiryDate', 'composite'], TD2],
    ['TD2', 2, 36, ['composite'], TD2],
    ['MRVA', 2, 10, ['documentNumber'], MRVA],
    ['MRVA', 2, 20, ['birthDate'], MRVA],
    ['MRVA', 2, 28, ['expiryDate'], MRVA],
    ['MRVB', 2, 10, ['documentNumber'], MRVB],
    ['MRVB', 2, 20, ['birthDate'], MRVB],
    ['MRVB', 2, 28, ['expiryDate'], MRVB],
  ] as const)('%s: a wrong digit at line %i column %i fails %j', (_f, line, col, failed, lines) => {
    const r = parse(flip([...lines], line, col));
    expect(r.valid).toBe(false);
    expect(r.checks.filter((c) => !c.valid).map((c) => c.field)).toEqual(failed);
    const own = r.errors.find((e) => e.field === failed[0]);
    expect(own).toMatchObject({ code: 'MRZ_CHECK_DIGIT', line, column: col });
  });

  it('composite inputs of the fixtures are what the parser checks', () => {
    // TD1 composite over line 1 positions 6-30 and line 2 positions 1-7, 9-15, 19-29.
    expect(parse(['I<UTOD231458907<<<<<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<']).valid).toBe(true);
  });

  it('TD3 personal number: empty field with check digit < or 0 is valid', () => {
    const a = buildMrz('TD3', { issuingState: 'UTO', nationality: 'UTO', surname: 'A', documentNumber: 'X1', birthDate: '800101', expiryDate: '300101', sex: 'M' });
    expect(a[1]!.slice(28, 43)).toBe('<<<<<<<<<<<<<<<');
    expect(parse(a).valid).toBe(true);
    const zero = [a[0]!, a[1]!.slice(0, 42) + '0' + a[1]!.slice(43)];
    const r = parse(zero);
    expect(r.checks.find((c) => c.field === 'personalNumber')?.valid).toBe(true);
  });
});

describe('long document numbers (TD1, TD2)', () => {
  it('TD1: joins the number continued in the optional data and checks it', () => {
    const r = parse(['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<']);
    expect(r.valid).toBe(true);
    expect(r.fields.documentNumber).toBe('D23145890734');
    expect(r.fields.optionalData).toBe('');
  });

  it('TD1: keeps optional data after the continuation', () => {
    const lines = buildMrz('TD1', { issuingState: 'UTO', documentNumber: 'D23145890734', optionalData: 'XY7', birthDate: '340712', sex: 'M', expiryDate: '950712', nationality: 'UTO', surname: 'STEVENSON', givenNames: 'PETER JOHN' });
    expect(lines[0]).toBe('I<UTOD23145890<7349<XY7<<<<<<<');
    const r = parse(lines);
    expect(r.valid).toBe(true);
    expect(r.fields).toMatchObject({ documentNumber: 'D23145890734', optionalData: 'XY7' });
  });

  it('TD1: a wrong continuation check digit is reported at its position', () => {
    const r = parse(['I<UTOD23145890<7348<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<']);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_CHECK_DIGIT', field: 'documentNumber', line: 1, column: 19 }));
  });

  it('TD2: long number round trip', () => {
    const lines = buildMrz('TD2', { issuingState: 'UTO', documentNumber: 'D2314589073', birthDate: '740812', sex: 'F', expiryDate: '120415', nationality: 'UTO', surname: 'ERIKSSON', givenNames: 'ANNA MARIA' });
    expect(lines[1]!.slice(0, 10)).toBe('D23145890<');
    const r = parse(lines);
    expect(r.valid).toBe(true);
    expect(r.fields.documentNumber).toBe('D2314589073');
  });

  it('TD3 and visas have no continuation: `<` in the check digit position fails', () => {
    const r = parse(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C3<UTO7408122F1204159ZE184226B<<<<<10']);
    expect(r.checks.find((c) => c.field === 'documentNumber')?.valid).toBe(false);
  });
});

describe('names', () => {
  const withName = (name: string): string[] => [`P<UTO${name}`.padEnd(44, '<'), TD3[1]!];
  it('splits primary and secondary identifiers on << and reads < as a space', () => {
    expect(parse(withName('VAN<DER<BERG<<JAN<PIETER')).fields).toMatchObject({ surname: 'VAN DER BERG', givenNames: 'JAN PIETER' });
  });
  it('a name with only a primary identifier', () => {
    expect(parse(withName('ZAHRA')).fields).toMatchObject({ surname: 'ZAHRA', givenNames: '' });
  });
  it('a name truncated at the field end (no filler left)', () => {
    const full = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<<ABCDEFGHIJKLMNOP';
    const r = parse([`P<UTO${full}`.slice(0, 44), TD3[1]!]);
    expect(r.valid).toBe(true);
    expect(r.fields).toMatchObject({ surname: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', givenNames: 'ABCDEFGHIJK' });
    const primaryOnly = parse([`P<UTO${'X'.repeat(39)}`, TD3[1]!]);
    expect(primaryOnly.fields).toMatchObject({ surname: 'X'.repeat(39), givenNames: '' });
  });
  it('digits in a name and a missing primary identifier are errors (without repair)', () => {
    const r = parse(withName('ERIKSS0N<<ANNA'));
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_NAME', field: 'surname', line: 1, column: 12 }));
    expect(codes(parse(withName('<<ANNA')))).toContain('MRZ_NAME');
  });
});

describe('sex', () => {
  const withSex = (s: string): string[] => [TD3[0]!, TD3[1]!.slice(0, 20) + s + TD3[1]!.slice(21)];
  it.each(['M', 'F', 'X', '<'])('%s is kept as printed', (s) => {
    const r = parse(withSex(s));
    expect(r.fields.sex).toBe(s);
    expect(codes(r)).not.toContain('MRZ_SEX');
  });
  it('anything else is MRZ_SEX at line 2 column 21', () => {
    expect(parse(withSex('Q')).errors).toContainEqual(expect.objectContaining({ code: 'MRZ_SEX', field: 'sex', line: 2, column: 21 }));
  });
});

describe('dates', () => {
  const f = { issuingState: 'UTO', nationality: 'UTO', surname: 'A', documentNumber: 'X1', sex: 'M' } as const;
  it('rejects impossible dates (month 13, 30 February, 29 February of a common year) with MRZ_DATE', () => {
    for (const birthDate of ['741312', '740230', '750229', '740000', '740132']) {
      const r = parse(buildMrz('TD3', { ...f, birthDate, expiryDate: '300101' }));
      expect(r.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_DATE', field: 'birthDate', line: 2, column: 14 }));
      expect(r.checks.every((c) => c.valid)).toBe(true);
    }
    const e = parse(buildMrz('TD3', { ...f, birthDate: '800101', expiryDate: '310230' }));
    expect(e.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_DATE', field: 'expiryDate', line: 2, column: 22 }));
  });
  it('accepts 29 February of leap years (2000 included)', () => {
    expect(parse(buildMrz('TD3', { ...f, birthDate: '000229', expiryDate: '280229' })).valid).toBe(true);
  });
  it('accepts unknown parts of a date of birth filled with <', () => {
    for (const birthDate of ['74<<<<', '7408<<', '<<<<<<']) expect(parse(buildMrz('TD3', { ...f, birthDate, expiryDate: '300101' })).valid).toBe(true);
    expect(codes(parse(buildMrz('TD3', { ...f, birthDate: '74<<12', expiryDate: '300101' })))).toContain('MRZ_DATE');
  });
  it('resolves the century: birth in the past, expiry up to 20 years ahead', () => {
    const t = new Date('2026-01-15T00:00:00Z');
    expect(resolveMrzDate('740812', 'birth', t)?.toISOString().slice(0, 10)).toBe('1974-08-12');
    expect(resolveMrzDate('251231', 'birth', t)?.toISOString().slice(0, 10)).toBe('2025-12-31');
    expect(resolveMrzDate('260116', 'birth', t)?.toISOString().slice(0, 10)).toBe('1926-01-16');
    expect(resolveMrzDate('260115', 'birth', t)?.toISOString().slice(0, 10)).toBe('2026-01-15');
    expect(resolveMrzDate('120415', 'expiry', t)?.toISOString().slice(0, 10)).toBe('2012-04-15');
    expect(resolveMrzDate('460115', 'expiry', t)?.toISOString().slice(0, 10)).toBe('2046-01-15');
    expect(resolveMrzDate('460116', 'expiry', t)?.toISOString().slice(0, 10)).toBe('1946-01-16');
    expect(resolveMrzDate('961210', 'expiry', t)?.toISOString().slice(0, 10)).toBe('1996-12-10');
    expect(resolveMrzDate('000229', 'birth', t)?.toISOString().slice(0, 10)).toBe('2000-02-29');
    expect(resolveMrzDate('010229', 'birth', t)).toBeNull();
    expect(resolveMrzDate('741301', 'birth', t)).toBeNull();
    expect(resolveMrzDate('7408AB', 'birth', t)).toBeNull();
  });
});

describe('country codes (ICAO 9303 Part 3)', () => {
  it('accepts ISO 3166-1 alpha-3, the ICAO special codes and UTO', () => {
    for (const c of ['DEU', 'FRA', 'USA', 'D', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'UNO', 'UNA', 'UNK', 'XXA', 'XXB', 'XXC', 'XXX', 'EUE', 'RKS', 'UTO', 'XOM', 'XPO']) {
      expect(isMrzCountryCode(c), c).toBe(true);
    }
    for (const c of ['GER', 'UK', 'ABC', 'XYZ', 'DE', '', 'D<<']) expect(isMrzCountryCode(c), c).toBe(false);
  });
  it('D<< is Germany; an unknown code is MRZ_COUNTRY naming the field and position', () => {
    const d = parse(['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4']);
    expect(d.fields.issuingState).toBe('D');
    expect(d.fields.nationality).toBe('D');
    expect(codes(d)).not.toContain('MRZ_COUNTRY');
    const bad = parse([TD3[0]!.replace('UTO', 'ABC'), TD3[1]!.replace('UTO', 'XYZ')]);
    expect(bad.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_COUNTRY', field: 'issuingState', line: 1, column: 3 }));
    expect(bad.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_COUNTRY', field: 'nationality', line: 2, column: 11 }));
  });
});

describe('structural errors name line and column', () => {
  it('wrong line count: the format guessed from the line length, the first missing or extra line', () => {
    expect(parse([TD3[0]!])).toMatchObject({ valid: false, format: 'TD3', fields: {}, errors: [{ code: 'MRZ_LINE_COUNT', line: 2, column: 1 }] });
    expect(parse([])).toMatchObject({ format: null, errors: [{ code: 'MRZ_LINE_COUNT', line: 1 }] });
    expect(parse([...TD1, TD1[0]!])).toMatchObject({ format: null, errors: [{ code: 'MRZ_LINE_COUNT', line: 4 }] });
    expect(parse(TD1.slice(0, 2))).toMatchObject({ format: 'TD1', errors: [{ code: 'MRZ_LINE_COUNT', line: 3 }] });
    expect(parse([...TD3, TD3[1]!])).toMatchObject({ format: 'TD3', errors: [{ code: 'MRZ_LINE_COUNT', line: 3 }] });
    expect(parse([...MRVB, 'X'])).toMatchObject({ format: 'MRVB', errors: [{ code: 'MRZ_LINE_COUNT', line: 3 }] });
  });
  it('wrong length: too short points after the last character, too long at the first extra one', () => {
    const r = parse([TD3[0]!.slice(0, 40), `${TD3[1]}<<`]);
    expect(r.format).toBe('TD3');
    expect(r.fields).toEqual({});
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'MRZ_LINE_LENGTH', line: 1, column: 41 }),
      expect.objectContaining({ code: 'MRZ_LINE_LENGTH', line: 2, column: 45 }),
    ]);
  });
  it('bad characters', () => {
    const r = parse([TD3[0]!.replace('ANNA', 'AN-A'), TD3[1]!]);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_BAD_CHARACTER', field: 'givenNames', line: 1, column: 18 }));
    expect(r.valid).toBe(false);
    const lower = parse([TD3[0]!.toLowerCase(), TD3[1]!]);
    expect(lower.errors.filter((e) => e.code === 'MRZ_BAD_CHARACTER')).toHaveLength(21);
  });
  it('columns count from the raw input (leading spaces included)', () => {
    const r = parse([`   ${TD3[0]}`, TD3[1]!.replace('F1204159', 'F1204158')]);
    expect(r.errors[0]).toMatchObject({ line: 2, column: 28 });
    const s = parse([`   ${TD3[0]!.replace('ANNA', 'AN-A')}`, TD3[1]!]);
    expect(s.errors[0]).toMatchObject({ code: 'MRZ_BAD_CHARACTER', line: 1, column: 21 });
  });
});

describe('parseMrzStrict and MrzError', () => {
  it('returns the result when valid', () => {
    expect(parseMrzStrict(TD3, { today }).fields.documentNumber).toBe('L898902C3');
  });
  it('throws MrzError (a FormatError) with codes and positions, no personal data in message or details', () => {
    let err: unknown;
    try {
      parseMrzStrict([TD3[0]!, TD3[1]!.replace('F1204159', 'F1204158')], { today });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MrzError);
    expect(err).toBeInstanceOf(FormatErrorClass);
    const m = err as MrzError;
    expect(m.code).toBe('MRZ_CHECK_DIGIT');
    expect(m.items.map((i) => i.field)).toEqual(['expiryDate', 'composite']);
    expect(m.result?.valid).toBe(false);
    const text = JSON.stringify(m.toJSON());
    for (const secret of ['ERIKSSON', 'L898902C', '740812']) expect(text).not.toContain(secret);
  });
  it('never throws from parseMrz, whatever the input type', () => {
    for (const x of [null, undefined, 42, {}, [1, 2], [null, 'x'], '\u0000', ['P<'.repeat(1000)]] as unknown[]) {
      expect(() => parseMrz(x as string)).not.toThrow();
      expect(parseMrz(x as string).valid).toBe(false);
    }
  });
});
