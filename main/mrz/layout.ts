/**
 * Where each field sits in each MRZ format (ICAO Doc 9303 Parts 4-7). Positions are 0-based here;
 * everything reported to callers (errors, corrections) is 1-based.
 */
import type { MrzCheckName, MrzFieldName, MrzFormat } from './types.js';

export interface Span {
  line: number;
  start: number;
  length: number;
}

export interface FormatLayout {
  format: MrzFormat;
  lineCount: number;
  lineLength: number;
  documentCode: Span;
  issuingState: Span;
  /** The whole name field: primary and secondary identifiers. */
  name: Span;
  documentNumber: Span;
  documentNumberCheck: Span;
  nationality: Span;
  birthDate: Span;
  birthDateCheck: Span;
  sex: Span;
  expiryDate: Span;
  expiryDateCheck: Span;
  personalNumber?: Span;
  personalNumberCheck?: Span;
  optionalData?: Span;
  optionalData2?: Span;
  composite?: { check: Span; over: Span[] };
  /** TD1 and TD2: a number longer than 9 characters continues in the optional data (Parts 5 and 6). */
  longDocumentNumber: boolean;
  /** Letters allowed as the first character of the document code. */
  documentCodeLetters: string;
  /** Fields this format has, in the order of the `fields` object. */
  fields: MrzFieldName[];
  checks: MrzCheckName[];
}

const s = (line: number, start: number, length: number): Span => ({ line, start, length });

/** Line 2 of TD3, MRV-A, TD2 and MRV-B share the first 28 positions. */
function twoLine(format: MrzFormat, length: 36 | 44): FormatLayout {
  const visa = format === 'MRVA' || format === 'MRVB';
  const base: FormatLayout = {
    format,
    lineCount: 2,
    lineLength: length,
    documentCode: s(0, 0, 2),
    issuingState: s(0, 2, 3),
    name: s(0, 5, length - 5),
    documentNumber: s(1, 0, 9),
    documentNumberCheck: s(1, 9, 1),
    nationality: s(1, 10, 3),
    birthDate: s(1, 13, 6),
    birthDateCheck: s(1, 19, 1),
    sex: s(1, 20, 1),
    expiryDate: s(1, 21, 6),
    expiryDateCheck: s(1, 27, 1),
    longDocumentNumber: format === 'TD2',
    documentCodeLetters: visa ? 'V' : format === 'TD3' ? 'P' : 'ACI',
    fields: [
      'documentCode', 'issuingState', 'surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex',
      'expiryDate',
    ],
    checks: ['documentNumber', 'birthDate', 'expiryDate'],
  };
  if (format === 'TD3') {
    base.personalNumber = s(1, 28, 14);
    base.personalNumberCheck = s(1, 42, 1);
    base.composite = { check: s(1, 43, 1), over: [s(1, 0, 10), s(1, 13, 7), s(1, 21, 22)] };
    base.fields.push('personalNumber');
    base.checks.push('personalNumber', 'composite');
  } else if (format === 'TD2') {
    base.optionalData = s(1, 28, 7);
    base.composite = { check: s(1, 35, 1), over: [s(1, 0, 10), s(1, 13, 7), s(1, 21, 14)] };
    base.fields.push('optionalData');
    base.checks.push('composite');
  } else {
    base.optionalData = s(1, 28, length - 28);
    base.fields.push('optionalData');
  }
  return base;
}

const TD1: FormatLayout = {
  format: 'TD1',
  lineCount: 3,
  lineLength: 30,
  documentCode: s(0, 0, 2),
  issuingState: s(0, 2, 3),
  documentNumber: s(0, 5, 9),
  documentNumberCheck: s(0, 14, 1),
  optionalData: s(0, 15, 15),
  birthDate: s(1, 0, 6),
  birthDateCheck: s(1, 6, 1),
  sex: s(1, 7, 1),
  expiryDate: s(1, 8, 6),
  expiryDateCheck: s(1, 14, 1),
  nationality: s(1, 15, 3),
  optionalData2: s(1, 18, 11),
  composite: { check: s(1, 29, 1), over: [s(0, 5, 25), s(1, 0, 7), s(1, 8, 7), s(1, 18, 11)] },
  name: s(2, 0, 30),
  longDocumentNumber: true,
  documentCodeLetters: 'ACI',
  fields: [
    'documentCode', 'issuingState', 'documentNumber', 'optionalData', 'birthDate', 'sex', 'expiryDate', 'nationality',
    'optionalData2', 'surname', 'givenNames',
  ],
  checks: ['documentNumber', 'birthDate', 'expiryDate', 'composite'],
};

export const LAYOUTS: Readonly<Record<MrzFormat, FormatLayout>> = {
  TD1,
  TD2: twoLine('TD2', 36),
  TD3: twoLine('TD3', 44),
  MRVA: twoLine('MRVA', 44),
  MRVB: twoLine('MRVB', 36),
};

export function spanText(lines: readonly string[], sp: Span): string {
  return (lines[sp.line] ?? '').slice(sp.start, sp.start + sp.length);
}

/**
 * The field a position belongs to (0-based line and index), for corrections and errors. Check
 * digits belong to the field they check; the composite check digit to none. Name positions are
 * `surname` up to the first `<<` and `givenNames` after it.
 */
export function positionOwner(
  layout: FormatLayout,
  lines: readonly string[],
  line: number,
  index: number,
): MrzFieldName | undefined {
  const inSpan = (sp: Span | undefined): boolean =>
    sp !== undefined && sp.line === line && index >= sp.start && index < sp.start + sp.length;
  if (inSpan(layout.name)) {
    const sep = spanText(lines, layout.name).indexOf('<<');
    return sep >= 0 && index - layout.name.start >= sep + 2 ? 'givenNames' : 'surname';
  }
  const table: Array<[Span | undefined, MrzFieldName]> = [
    [layout.documentCode, 'documentCode'],
    [layout.issuingState, 'issuingState'],
    [layout.documentNumber, 'documentNumber'],
    [layout.documentNumberCheck, 'documentNumber'],
    [layout.nationality, 'nationality'],
    [layout.birthDate, 'birthDate'],
    [layout.birthDateCheck, 'birthDate'],
    [layout.sex, 'sex'],
    [layout.expiryDate, 'expiryDate'],
    [layout.expiryDateCheck, 'expiryDate'],
    [layout.personalNumber, 'personalNumber'],
    [layout.personalNumberCheck, 'personalNumber'],
    [layout.optionalData2, 'optionalData2'],
  ];
  for (const [sp, name] of table) if (inSpan(sp)) return name;
  if (inSpan(layout.optionalData)) {
    // The continuation of a long document number (and its check digit) belongs to the number.
    const ext = longNumberExtension(layout, lines);
    if (ext && index - layout.optionalData!.start < ext.length) return 'documentNumber';
    return 'optionalData';
  }
  return undefined;
}

/**
 * TD1 and TD2 long document numbers: when the check digit position holds `<` and the optional
 * data does not start with `<`, the optional data starts with the rest of the number followed by
 * its check digit, then a `<`. Returns that leading part (rest + check digit), or null.
 */
export function longNumberExtension(layout: FormatLayout, lines: readonly string[]): string | null {
  if (!layout.longDocumentNumber || !layout.optionalData) return null;
  if (spanText(lines, layout.documentNumberCheck) !== '<') return null;
  const opt = spanText(lines, layout.optionalData);
  if (opt === '' || opt[0] === '<') return null;
  const end = opt.indexOf('<');
  return end < 0 ? opt : opt.slice(0, end);
}
