import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildMrz, MrzError, mrzInformation, mrzNameField, parseMrz, toMrzName, type MrzFields, type MrzFormat } from './helpers.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/mrz/${name}`, import.meta.url), 'utf8')) as T;
const specimens = fixture<{ cases: Array<{ format: MrzFormat; lines: string[]; valid: boolean }> }>('icao9303-specimen-mrz.json');
const p11 = fixture<{ cases: Array<{ documentNumber: string; birthDate: string; expiryDate: string; mrzInformation: string }> }>('icao9303-p11-mrz-information.json');
const today = new Date('2026-01-15T00:00:00Z');

describe('buildMrz', () => {
  it.each(specimens.cases.filter((c) => c.valid).map((c, i) => ({ ...c, i })))('rebuilds specimen $i ($format) character for character', (c) => {
    const parsed = parseMrz(c.lines, { today, repair: false });
    expect(buildMrz(c.format, parsed.fields)).toEqual(c.lines);
  });

  it('rebuilds the MRV-A specimen', () => {
    const lines = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
    expect(buildMrz('MRVA', parseMrz(lines, { today }).fields)).toEqual(lines);
  });

  it('defaults: document code by format, sex <, empty personal number with check digit <', () => {
    const f: MrzFields = { issuingState: 'UTO', nationality: 'UTO', surname: 'DOE', documentNumber: 'A1', birthDate: '800101', expiryDate: '300101' };
    const td3 = buildMrz('TD3', f);
    expect(td3[0]).toBe('P<UTODOE'.padEnd(44, '<'));
    expect(td3[1]!.slice(20, 21)).toBe('<');
    expect(td3[1]!.slice(42, 43)).toBe('<');
    expect(buildMrz('TD1', f)[0]!.slice(0, 2)).toBe('I<');
    expect(buildMrz('MRVB', f)[0]!.slice(0, 2)).toBe('V<');
  });

  it('rejects what cannot be encoded with MrzError MRZ_BUILD', () => {
    const f: MrzFields = { issuingState: 'UTO', nationality: 'UTO', surname: 'DOE', documentNumber: 'A1', birthDate: '800101', expiryDate: '300101' };
    const bad: Array<[MrzFormat, MrzFields]> = [
      ['TD3', { ...f, documentNumber: 'AB-12' }],
      ['TD3', { ...f, documentNumber: '' }],
      ['TD3', { ...f, documentNumber: 'ABCDEFGHIJ' }],
      ['MRVA', { ...f, documentNumber: 'ABCDEFGHIJ' }],
      ['TD2', { ...f, documentNumber: 'ABCDEFGHIJKLMNOP' }],
      ['TD3', { ...f, birthDate: '1980-01-01' }],
      ['TD3', { ...f, expiryDate: '30<<<<' }],
      ['TD3', { ...f, sex: 'W' }],
      ['TD3', { ...f, issuingState: 'U1O' }],
      ['TD2', { ...f, optionalData: 'ABCDEFGH' }],
      ['TD3', { ...f, optionalData: 'A' }],
      ['TD2', { ...f, personalNumber: 'A' }],
      ['TD3', { ...f, surname: 'Д' }],
    ];
    for (const [format, fields] of bad) {
      let err: unknown;
      try {
        buildMrz(format, fields);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(fields)).toBeInstanceOf(MrzError);
      expect((err as MrzError).code).toBe('MRZ_BUILD');
    }
  });
});

describe('names in MRZ characters (Part 3)', () => {
  it.each([
    ['Müller-Lüdenscheidt', 'MUELLER<LUEDENSCHEIDT'],
    ["O'Brien", 'OBRIEN'],
    ['Ångström', 'AANGSTROEM'],
    ['José María', 'JOSE<MARIA'],
    ['Strauß', 'STRAUSS'],
    ['Øvergård', 'OEVERGAARD'],
    ['  van  der Berg ', 'VAN<DER<BERG'],
    ['Łukasz', 'LUKASZ'],
  ])('%s → %s', (name, mrz) => {
    expect(toMrzName(name)).toBe(mrz);
  });

  it('truncates at the field end; keeps << and one secondary letter when the primary is too long', () => {
    expect(mrzNameField('ERIKSSON', 'ANNA MARIA', 20)).toBe('ERIKSSON<<ANNA<MARIA');
    expect(mrzNameField('ERIKSSON', 'ANNA MARIA', 16)).toBe('ERIKSSON<<ANNA<M');
    expect(mrzNameField('ABCDEFGHIJKLMNOPQRST', 'ANNA', 16)).toBe('ABCDEFGHIJKLM<<A');
    expect(mrzNameField('ABCDEFGHIJKLMNOPQRST', '', 16)).toBe('ABCDEFGHIJKLMNOP');
    expect(mrzNameField('DOE', '', 8)).toBe('DOE<<<<<');
  });

  it('a truncated name parses back to its visible parts', () => {
    const lines = buildMrz('TD1', { issuingState: 'UTO', nationality: 'UTO', surname: 'WOLFESCHLEGELSTEINHAUSEN', givenNames: 'HUBERT BLAINE', documentNumber: 'A1', birthDate: '800101', expiryDate: '300101' });
    expect(lines[2]).toBe('WOLFESCHLEGELSTEINHAUSEN<<HUBE');
    expect(parseMrz(lines, { today }).fields).toMatchObject({ surname: 'WOLFESCHLEGELSTEINHAUSEN', givenNames: 'HUBE' });
  });
});

describe('mrzInformation (BAC/PACE password, Part 11)', () => {
  it.each(p11.cases)('$documentNumber → $mrzInformation', (c) => {
    expect(mrzInformation(c.documentNumber, c.birthDate, c.expiryDate)).toBe(c.mrzInformation);
  });

  it('is built from parsed fields, long numbers in full', () => {
    const r = parseMrz(['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'], { today });
    expect(mrzInformation(r.fields.documentNumber!, r.fields.birthDate!, r.fields.expiryDate!)).toBe('D23145890734934071279507122');
  });

  it('rejects values that are not MRZ text', () => {
    expect(() => mrzInformation('', '690806', '940623')).toThrow(MrzError);
    expect(() => mrzInformation('L898902C', '69086', '940623')).toThrow(MrzError);
    expect(() => mrzInformation('l8989-02', '690806', '940623')).toThrow(MrzError);
  });
});
