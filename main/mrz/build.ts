/**
 * Builders: MRZ lines from fields (for the simulators, the chip layer and tests) and the
 * MRZ_information used as the BAC/PACE password.
 */
import { checkDigit } from './check-digit.js';
import { MrzError } from './errors.js';
import { LAYOUTS, type Span } from './layout.js';
import type { MrzFields, MrzFormat } from './types.js';

const fail = (message: string, field?: string): never => {
  throw new MrzError('MRZ_BUILD', message, field ? [{ code: 'MRZ_BUILD', message, field: field as never }] : []);
};

/** ICAO Doc 9303 Part 3, 6: transliterations of Latin characters with diacritics (the recommended ones). */
const TRANSLIT: Readonly<Record<string, string>> = {
  Ä: 'AE', Æ: 'AE', Å: 'AA', Ö: 'OE', Ø: 'OE', Œ: 'OE', Ü: 'UE', ß: 'SS', Þ: 'TH', Ð: 'D', Đ: 'D', Ħ: 'H', Ĳ: 'IJ',
  Ł: 'L', Ŀ: 'L', Ŋ: 'N', Ŧ: 'T', ı: 'I',
};

/**
 * A name (primary or secondary identifier, as written in the VIZ) in MRZ characters: upper case,
 * recommended transliterations (Ä→AE, ß→SS...), other diacritics dropped, spaces and hyphens → `<`,
 * apostrophes and other punctuation dropped. Throws MrzError when a character cannot be written.
 */
export function toMrzName(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFC')) {
    const up = ch.toUpperCase();
    const t = TRANSLIT[up] ?? TRANSLIT[ch];
    if (t !== undefined) {
      out += t;
      continue;
    }
    const base = up.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (/^[A-Z]+$/.test(base)) out += base;
    else if (/^[\s<-]$/.test(ch)) out += '<';
    else if (/^[',.’`]$/.test(ch)) continue;
    else fail('a name holds a character that cannot be written in an MRZ', 'surname');
  }
  return out.replace(/^<+|<+$/g, '').replace(/<{2,}/g, '<');
}

/**
 * The name field: primary identifier, `<<`, secondary identifier, padded with `<`. A name too long
 * for the field is cut at the field end (Part 3, 4.6: the last position then holds a letter, which
 * shows the truncation); when the primary identifier alone is too long, it is cut so that `<<` and
 * the first letter of the secondary identifier still fit.
 */
export function mrzNameField(surname: string, givenNames: string, length: number): string {
  const primary = toMrzName(surname);
  const secondary = toMrzName(givenNames);
  let field = secondary ? `${primary}<<${secondary}` : primary;
  if (field.length > length) {
    if (secondary && primary.length + 3 > length) field = `${primary.slice(0, length - 3)}<<${secondary[0]}`;
    else field = field.slice(0, length);
  }
  return field.padEnd(length, '<');
}

function alnum(value: string | undefined, what: string, field: string): string {
  const v = (value ?? '').toUpperCase();
  if (!/^[A-Z0-9<]*$/.test(v)) fail(`${what} may hold only A-Z, 0-9 and <`, field);
  return v;
}

function pad(value: string, length: number, what: string, field: string): string {
  if (value.length > length) fail(`${what} is longer than ${length} characters`, field);
  return value.padEnd(length, '<');
}

function cd(s: string): string {
  const d = checkDigit(s);
  if (d < 0) fail('cannot compute a check digit');
  return String(d);
}

function date(value: string | undefined, what: string, field: string, unknownAllowed: boolean): string {
  const v = value ?? '';
  if (!(unknownAllowed ? /^[0-9<]{6}$/ : /^\d{6}$/).test(v)) fail(`${what} must be YYMMDD`, field);
  return v;
}

/**
 * The lines of an MRZ with every check digit computed. Names are written with toMrzName and cut
 * at the field end; a document number longer than 9 characters continues in the optional data
 * (TD1 and TD2 only). Missing fields are fillers, except documentNumber, birthDate and expiryDate,
 * which are required. Throws MrzError (code MRZ_BUILD) when a field cannot be encoded.
 */
export function buildMrz(format: MrzFormat, fields: MrzFields): string[] {
  const layout = LAYOUTS[format];
  if (!layout) fail('unknown MRZ format');
  const lines = Array.from({ length: layout.lineCount }, () => Array<string>(layout.lineLength).fill('<'));
  const put = (sp: Span, text: string): void => {
    for (let k = 0; k < sp.length; k++) lines[sp.line]![sp.start + k] = text[k] ?? '<';
  };
  const read = (sp: Span): string => lines[sp.line]!.slice(sp.start, sp.start + sp.length).join('');

  const defaultCode = format === 'TD3' ? 'P' : format === 'MRVA' || format === 'MRVB' ? 'V' : 'I';
  const code = alnum(fields.documentCode || defaultCode, 'the document code', 'documentCode');
  if (!/^[A-Z][A-Z<]?$/.test(code)) fail('the document code is one letter, optionally followed by a letter', 'documentCode');
  put(layout.documentCode, pad(code, 2, 'the document code', 'documentCode'));
  for (const [sp, name] of [[layout.issuingState, 'issuingState'], [layout.nationality, 'nationality']] as const) {
    const v = alnum(fields[name], 'a country code', name);
    if (!/^[A-Z]{0,3}<*$/.test(v)) fail('a country code holds letters only', name);
    put(sp, pad(v, 3, 'a country code', name));
  }
  put(layout.name, mrzNameField(fields.surname ?? '', fields.givenNames ?? '', layout.name.length));

  const number = alnum(fields.documentNumber, 'the document number', 'documentNumber').replace(/<+$/, '');
  if (number === '') fail('the document number is required', 'documentNumber');
  let optional = alnum(fields.optionalData, 'the optional data', 'optionalData');
  if (number.length <= 9) {
    const n9 = number.padEnd(9, '<');
    put(layout.documentNumber, n9);
    put(layout.documentNumberCheck, cd(n9));
  } else {
    if (!layout.longDocumentNumber || !layout.optionalData) fail(`a ${format} document number has at most 9 characters`, 'documentNumber');
    put(layout.documentNumber, number.slice(0, 9));
    put(layout.documentNumberCheck, '<');
    optional = `${number.slice(9)}${cd(number)}<${optional}`;
  }
  put(layout.birthDate, date(fields.birthDate, 'the date of birth', 'birthDate', true));
  put(layout.birthDateCheck, cd(read(layout.birthDate)));
  const sex = fields.sex || '<';
  if (!['M', 'F', 'X', '<'].includes(sex)) fail('sex is M, F, X or <', 'sex');
  put(layout.sex, sex);
  put(layout.expiryDate, date(fields.expiryDate, 'the date of expiry', 'expiryDate', false));
  put(layout.expiryDateCheck, cd(read(layout.expiryDate)));

  if (layout.personalNumber && layout.personalNumberCheck) {
    const pn = pad(alnum(fields.personalNumber, 'the personal number', 'personalNumber'), 14, 'the personal number', 'personalNumber');
    put(layout.personalNumber, pn);
    put(layout.personalNumberCheck, /^<+$/.test(pn) ? '<' : cd(pn));
  }
  if (layout.optionalData) put(layout.optionalData, pad(optional, layout.optionalData.length, 'the optional data', 'optionalData'));
  else if (optional !== '') fail(`a ${format} has no optional data field (use personalNumber)`, 'optionalData');
  if (layout.optionalData2) {
    put(layout.optionalData2, pad(alnum(fields.optionalData2, 'the optional data', 'optionalData2'), 11, 'the optional data', 'optionalData2'));
  } else if (fields.optionalData2) fail(`a ${format} has no second optional data field`, 'optionalData2');
  if (!layout.personalNumber && fields.personalNumber) fail(`a ${format} has no personal number field`, 'personalNumber');
  if (layout.composite) put(layout.composite.check, cd(layout.composite.over.map(read).join('')));
  return lines.map((l) => l.join(''));
}

/**
 * MRZ_information, the input of the BAC key derivation and the PACE password from the MRZ
 * (ICAO Doc 9303 Part 11, 9.7.1.1 and 4.4): the document number (in full, padded with `<` to at
 * least 9 characters) + its check digit + date of birth + check digit + date of expiry + check digit.
 * Throws MrzError (MRZ_BUILD) on a value that is not MRZ text.
 */
export function mrzInformation(documentNumber: string, birthDate: string, expiryDate: string): string {
  const n = alnum(documentNumber, 'the document number', 'documentNumber').replace(/<+$/, '');
  if (n === '') fail('the document number is required', 'documentNumber');
  const n9 = n.padEnd(9, '<');
  const b = date(birthDate, 'the date of birth', 'birthDate', true);
  const e = date(expiryDate, 'the date of expiry', 'expiryDate', false);
  return `${n9}${cd(n9)}${b}${cd(b)}${e}${cd(e)}`;
}
