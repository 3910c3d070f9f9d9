/**
 * The MRZ parser: TD1, TD2, TD3, MRV-A and MRV-B (ICAO Doc 9303 Parts 3-7). It never throws:
 * every problem is an error item with a stable code, naming line and column (1-based, in the
 * input as given, blank lines not counted). One line of exactly 90, 88 or 72 MRZ characters (the
 * form DG1 stores) is read as the lines of a TD1, TD3/MRV-A or TD2/MRV-B.
 */
import { checkDigit } from './check-digit.js';
import { isMrzCountryField } from './countries.js';
import { isAcceptableBirthDate, resolveMrzDate } from './dates.js';
import { MrzError, type MrzErrorCode } from './errors.js';
import { LAYOUTS, longNumberExtension, positionOwner, spanText, type FormatLayout, type Span } from './layout.js';
import { hasDefiniteFillers, repairLines } from './repair.js';
import type { MrzCheck, MrzCheckName, MrzCorrection, MrzErrorItem, MrzFields, MrzFormat, MrzResult } from './types.js';

export interface ParseMrzOptions {
  /** OCR repair (default true). Off: the lines are taken exactly as given (outer whitespace aside). */
  repair?: boolean;
  /** "Today" for resolving the century of dates (default: now). */
  today?: Date;
}

const MRZ_CHAR = /^[A-Z0-9<]$/;
const CLEAN_LINE = /^[A-Z0-9<]*$/;

/** The raw column (1-based) of character `index` of a normalised line. */
function rawColumn(l: Line | undefined, index: number): number {
  if (!l) return index + 1;
  if (l.cols === null) return l.offset + index + 1;
  return l.cols[index] ?? l.endCol;
}

/** One input line after normalisation, with the raw column (1-based) of each character. */
interface Line {
  text: string;
  /** Raw columns; null when the line is the raw line shifted by `offset` (nothing removed). */
  cols: number[] | null;
  offset: number;
  /** The raw column just after the line's last character. */
  endCol: number;
}

function splitInput(input: unknown): string[] {
  const parts: unknown[] = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    for (const l of part.split(/\r\n|\r|\n/)) if (l.trim() !== '') out.push(l);
  }
  // One line holding a whole MRZ, as DG1 stores it (Part 10, 4.7.1: the lines without separators).
  const whole = out.length === 1 ? out[0]!.trim() : '';
  const width = WHOLE_MRZ_WIDTH[whole.length];
  if (width !== undefined && CLEAN_LINE.test(whole)) {
    return Array.from({ length: whole.length / width }, (_, i) => whole.slice(i * width, (i + 1) * width));
  }
  return out;
}

/** Total length → line length of an MRZ given as one line: TD1 3×30, TD3/MRV-A 2×44, TD2/MRV-B 2×36. */
const WHOLE_MRZ_WIDTH: Readonly<Record<number, number>> = { 90: 30, 88: 44, 72: 36 };

/** Expected line lengths for a line count (all that the count allows). */
function lengthsFor(count: number): number[] {
  if (count === 3) return [30];
  if (count === 2) return [44, 36];
  return [];
}

/**
 * Trims outer whitespace. With repair: lower case → upper case, and inner whitespace either
 * removed (stray spaces) or, when that leaves the line too short but keeping it gives the right
 * length, read as `<`. Each change is a correction.
 */
function normalise(raw: string, lineNo: number, repair: boolean, lengths: number[], removed: MrzCorrection[]): Line {
  const start = raw.length - raw.trimStart().length;
  const body = raw.trim();
  if (CLEAN_LINE.test(body)) return { text: body, cols: null, offset: start, endCol: start + body.length + 1 };
  const chars: Array<{ c: string; col: number }> = [];
  for (let k = 0; k < body.length; k++) chars.push({ c: body[k]!, col: start + k + 1 });
  let kept = chars;
  if (repair) {
    for (const x of chars) if (x.c >= 'a' && x.c <= 'z') x.c = x.c.toUpperCase();
    const isWs = (c: string): boolean => /\s/.test(c);
    const stripped = chars.filter((x) => !isWs(x.c));
    if (stripped.length !== chars.length) {
      if (!lengths.includes(stripped.length) && lengths.includes(chars.length)) {
        for (const x of chars) if (isWs(x.c)) x.c = '<';
      } else {
        for (const x of chars) if (isWs(x.c)) removed.push({ line: lineNo, column: x.col, from: x.c, to: '' });
        kept = stripped;
      }
    }
  }
  const last = chars[chars.length - 1];
  return { text: kept.map((x) => x.c).join(''), cols: kept.map((x) => x.col), offset: start, endCol: last ? last.col + 1 : start + 1 };
}

/**
 * The format the lines are meant to be: the line length (30, 36, 44) closest to theirs, MRV when
 * the document code starts with V; on a tie, the one whose line count matches. Null for no lines
 * or more than three.
 */
function chooseFormat(lines: readonly string[]): MrzFormat | null {
  const n = lines.length;
  if (n < 1 || n > 3) return null;
  const visa = (lines[0] ?? '')[0] === 'V';
  const d = (L: number): number => lines.reduce((acc, l) => acc + Math.abs(l.length - L), 0);
  const candidates: Array<[MrzFormat, number, number]> = [
    ['TD1', d(30), 3],
    [visa ? 'MRVB' : 'TD2', d(36), 2],
    [visa ? 'MRVA' : 'TD3', d(44), 2],
  ];
  candidates.sort((a, b) => a[1] - b[1] || Number(b[2] === n) - Number(a[2] === n));
  return candidates[0]![0];
}

const trimFiller = (s: string): string => s.replace(/<+$/, '');
const nameText = (s: string): string => s.replace(/<+/g, ' ').trim();

/** Splits a name field into primary and secondary identifiers (`<<`), `<` read as space. */
export function splitMrzName(field: string): { surname: string; givenNames: string } {
  const sep = field.indexOf('<<');
  if (sep < 0) return { surname: nameText(field), givenNames: '' };
  return { surname: nameText(field.slice(0, sep)), givenNames: nameText(field.slice(sep + 2)) };
}

const CHECK_LABEL: Record<MrzCheckName, string> = {
  documentNumber: 'document number',
  birthDate: 'date of birth',
  expiryDate: 'date of expiry',
  personalNumber: 'personal number',
  optionalData: 'optional data',
  composite: 'composite',
};

/** Fields, checks and field-level errors of lines of the right count and length. */
function analyse(
  lines: readonly string[],
  layout: FormatLayout,
  today: Date,
  loc: (line: number, index: number) => { line: number; column: number },
): { fields: MrzFields; checks: MrzCheck[]; errors: MrzErrorItem[] } {
  const errors: MrzErrorItem[] = [];
  const get = (sp: Span): string => spanText(lines, sp);
  const at = (sp: Span, offset = 0): { line: number; column: number } => loc(sp.line, sp.start + offset);
  const found: MrzFields = {};
  const checkResults = new Map<MrzCheckName, boolean>();
  const checkAt = new Map<MrzCheckName, { line: number; column: number }>();

  lines.forEach((l, li) => {
    if (CLEAN_LINE.test(l)) return;
    for (let k = 0; k < l.length; k++) {
      if (!MRZ_CHAR.test(l[k]!)) {
        const field = positionOwner(layout, lines, li, k);
        errors.push({
          code: 'MRZ_BAD_CHARACTER',
          ...(field ? { field } : {}),
          message: `character ${JSON.stringify(l[k])} is not allowed in an MRZ (A-Z, 0-9, <)`,
          ...loc(li, k),
        });
      }
    }
  });

  // Document code.
  const code = get(layout.documentCode);
  found.documentCode = trimFiller(code);
  if (!layout.documentCodeLetters.includes(code[0] ?? '') || code[0] === undefined) {
    errors.push({
      code: 'MRZ_DOCUMENT_CODE',
      field: 'documentCode',
      message: `a ${layout.format} document code starts with ${[...layout.documentCodeLetters].join(' or ')}`,
      ...at(layout.documentCode),
    });
  } else if (!/^[A-Z<]$/.test(code[1] ?? '')) {
    errors.push({ code: 'MRZ_DOCUMENT_CODE', field: 'documentCode', message: 'second character of the document code must be a letter or <', ...at(layout.documentCode, 1) });
  } else if (code[1] === 'V' && (layout.format === 'TD1' || layout.format === 'TD2')) {
    // Parts 5 and 6: the second character is at the issuer's discretion, except V.
    errors.push({ code: 'MRZ_DOCUMENT_CODE', field: 'documentCode', message: 'V is not allowed as second character of a TD1 or TD2 document code', ...at(layout.documentCode, 1) });
  }

  // Countries.
  for (const [sp, field] of [[layout.issuingState, 'issuingState'], [layout.nationality, 'nationality']] as const) {
    const raw = get(sp);
    found[field] = trimFiller(raw);
    if (!isMrzCountryField(raw)) {
      errors.push({ code: 'MRZ_COUNTRY', field, message: 'not a code of the ICAO 9303 Part 3 list', ...at(sp) });
    }
  }

  // Names.
  const nameRaw = get(layout.name);
  const { surname, givenNames } = splitMrzName(nameRaw);
  found.surname = surname;
  found.givenNames = givenNames;
  const digitAt = nameRaw.search(/[0-9]/);
  if (digitAt >= 0) {
    errors.push({ code: 'MRZ_NAME', field: positionOwner(layout, lines, layout.name.line, layout.name.start + digitAt) ?? 'surname', message: 'names hold letters and fillers only', ...at(layout.name, digitAt) });
  } else if (surname === '') {
    errors.push({ code: 'MRZ_NAME', field: 'surname', message: 'the primary identifier is missing', ...at(layout.name) });
  }

  // Document number, long numbers continued in the optional data (TD1, TD2).
  const num9 = get(layout.documentNumber);
  let docNumber = num9;
  let docCheck = get(layout.documentNumberCheck);
  let docCheckAt = at(layout.documentNumberCheck);
  let optionalSkip = 0;
  const ext = longNumberExtension(layout, lines);
  if (ext !== null && layout.optionalData) {
    docNumber = num9 + ext.slice(0, -1);
    docCheck = ext.slice(-1);
    docCheckAt = at(layout.optionalData, ext.length - 1);
    optionalSkip = ext.length + 1;
  }
  found.documentNumber = trimFiller(docNumber);
  checkResults.set('documentNumber', /^\d$/.test(docCheck) && checkDigit(docNumber) === Number(docCheck));
  checkAt.set('documentNumber', docCheckAt);
  if (found.documentNumber === '') {
    errors.push({ code: 'MRZ_DOCUMENT_NUMBER', field: 'documentNumber', message: 'the document number is empty', ...at(layout.documentNumber) });
  }

  // Dates, sex.
  const birth = get(layout.birthDate);
  found.birthDate = birth;
  if (!isAcceptableBirthDate(birth, today)) {
    errors.push({ code: 'MRZ_DATE', field: 'birthDate', message: 'the date of birth is not a date (YYMMDD)', ...at(layout.birthDate) });
  }
  const sex = get(layout.sex);
  found.sex = sex;
  if (!['M', 'F', 'X', '<'].includes(sex)) {
    errors.push({ code: 'MRZ_SEX', field: 'sex', message: 'sex must be M, F, X or <', ...at(layout.sex) });
  }
  const expiry = get(layout.expiryDate);
  found.expiryDate = expiry;
  if (resolveMrzDate(expiry, 'expiry', today) === null) {
    errors.push({ code: 'MRZ_DATE', field: 'expiryDate', message: 'the date of expiry is not a date (YYMMDD)', ...at(layout.expiryDate) });
  }
  for (const [sp, ck, name] of [
    [layout.birthDate, layout.birthDateCheck, 'birthDate'],
    [layout.expiryDate, layout.expiryDateCheck, 'expiryDate'],
  ] as const) {
    const c = get(ck);
    checkResults.set(name, /^\d$/.test(c) && checkDigit(get(sp)) === Number(c));
    checkAt.set(name, at(ck));
  }

  // Personal number (TD3): check digit, which may be `<` (or 0) when the field is empty.
  if (layout.personalNumber && layout.personalNumberCheck) {
    const raw = get(layout.personalNumber);
    const c = get(layout.personalNumberCheck);
    found.personalNumber = trimFiller(raw);
    const ok = (/^\d$/.test(c) && checkDigit(raw) === Number(c)) || (/^<+$/.test(raw) && c === '<');
    checkResults.set('personalNumber', ok);
    checkAt.set('personalNumber', at(layout.personalNumberCheck));
  }
  if (layout.optionalData) found.optionalData = trimFiller(get(layout.optionalData).slice(optionalSkip));
  if (layout.optionalData2) found.optionalData2 = trimFiller(get(layout.optionalData2));

  if (layout.composite) {
    const over = layout.composite.over.map(get).join('');
    const c = get(layout.composite.check);
    checkResults.set('composite', /^\d$/.test(c) && checkDigit(over) === Number(c));
    checkAt.set('composite', at(layout.composite.check));
  }

  const checks: MrzCheck[] = layout.checks.map((field) => ({ field, valid: checkResults.get(field) === true }));
  for (const c of checks) {
    if (!c.valid) {
      errors.push({ code: 'MRZ_CHECK_DIGIT', field: c.field, message: `the ${CHECK_LABEL[c.field]} check digit does not match`, ...checkAt.get(c.field) });
    }
  }
  const fields: MrzFields = {};
  for (const f of layout.fields) fields[f] = found[f] ?? '';
  return { fields, checks, errors };
}

function parseUnsafe(input: string | readonly string[], opts: ParseMrzOptions): MrzResult {
  const repair = opts.repair !== false;
  const today = opts.today instanceof Date && Number.isFinite(opts.today.getTime()) ? opts.today : new Date();
  const rawLines = splitInput(input);
  const removed: MrzCorrection[] = [];
  const lengths = lengthsFor(rawLines.length);
  const lines = rawLines.map((r, i) => normalise(r, i + 1, repair, lengths, removed));
  const texts = lines.map((l) => l.text);
  const format = chooseFormat(texts);
  const layout = format ? LAYOUTS[format] : undefined;
  const loc = (line: number, index: number): { line: number; column: number } => ({
    line: line + 1,
    column: rawColumn(lines[line], index),
  });
  /** Every character whose final reading differs from the raw input, plus removed spaces. */
  const correctionsFor = (final: readonly string[]): MrzCorrection[] => {
    const out = [...removed];
    final.forEach((l, li) => {
      if (lines[li]?.cols === null && l === lines[li]!.text) return;
      for (let k = 0; k < l.length; k++) {
        const col = rawColumn(lines[li], k);
        const from = rawLines[li]![col - 1]!;
        if (from === l[k]) continue;
        const field = layout ? positionOwner(layout, final, li, k) : undefined;
        out.push({ line: li + 1, column: col, from, to: l[k]!, ...(field ? { field } : {}) });
      }
    });
    return out.sort((x, y) => x.line - y.line || x.column - y.column);
  };
  const result = (final: readonly string[], extra: Partial<MrzResult>): MrzResult => {
    const r: MrzResult = { valid: false, format, fields: {}, checks: [], corrections: correctionsFor(final), errors: [], ...extra };
    r.valid = r.errors.length === 0 && r.checks.length > 0 && r.checks.every((c) => c.valid);
    return r;
  };
  if (layout === undefined || layout.lineCount !== rawLines.length) {
    const n = rawLines.length;
    const expected = layout ? `a ${layout.format} has ${layout.lineCount} lines` : 'an MRZ has 2 lines (TD2, TD3, MRV) or 3 lines (TD1)';
    return result(texts, {
      errors: [{
        code: 'MRZ_LINE_COUNT',
        message: `${expected}, not ${n}`,
        // The first missing line, or the first line too many.
        line: layout ? (n > layout.lineCount ? layout.lineCount + 1 : n + 1) : n === 0 ? 1 : 4,
        column: 1,
      }],
    });
  }
  const lengthErrors: MrzErrorItem[] = [];
  lines.forEach((l, i) => {
    if (l.text.length === layout.lineLength) return;
    const column = l.text.length > layout.lineLength ? rawColumn(l, layout.lineLength) : l.endCol;
    lengthErrors.push({
      code: 'MRZ_LINE_LENGTH',
      message: `a ${layout.format} line has ${layout.lineLength} characters, not ${l.text.length}`,
      line: i + 1,
      column,
    });
  });
  if (lengthErrors.length > 0) return result(texts, { errors: lengthErrors });

  // Repair never changes a reading that already fits: skip it when the lines pass as they are.
  const asRead = analyse(texts, layout, today, loc);
  const fits = asRead.errors.length === 0 && asRead.checks.every((c) => c.valid) && !hasDefiniteFillers(texts, layout);
  if (!repair || fits) return result(texts, asRead);

  const outcome = repairLines(texts, layout);
  const errors: MrzErrorItem[] = outcome.ambiguities.map((a) => ({
    code: 'MRZ_AMBIGUOUS',
    field: a.field,
    message: `${a.candidates.length} readings fit the field types and check digits; not guessing`,
    ...loc(a.line, a.index),
    candidates: a.candidates,
  }));
  const analysed = analyse(outcome.lines, layout, today, loc);
  return result(outcome.lines, { fields: analysed.fields, checks: analysed.checks, errors: [...errors, ...analysed.errors] });
}

/**
 * Parses MRZ lines (an array, or one string with lines separated by CR/LF). Never throws: every
 * problem is in `errors`. `valid` is true when there are no errors and every check digit matches.
 */
export function parseMrz(input: string | readonly string[], opts: ParseMrzOptions = {}): MrzResult {
  try {
    return parseUnsafe(input, opts ?? {});
  } catch (e) {
    return {
      valid: false,
      format: null,
      fields: {},
      checks: [],
      corrections: [],
      errors: [{ code: 'MRZ_INTERNAL', message: `internal error in the MRZ parser: ${e instanceof Error ? e.name : 'unknown'}` }],
    };
  }
}

/** parseMrz that throws MrzError (a FormatError) when the MRZ is not valid. */
export function parseMrzStrict(input: string | readonly string[], opts: ParseMrzOptions = {}): MrzResult {
  const result = parseMrz(input, opts);
  if (result.valid) return result;
  const first = result.errors[0];
  const codes = [...new Set(result.errors.map((e) => e.code))];
  throw new MrzError(
    (first?.code ?? 'MRZ_CHECK_DIGIT') as MrzErrorCode,
    `invalid MRZ: ${codes.join(', ')}`,
    result.errors,
    result,
  );
}
