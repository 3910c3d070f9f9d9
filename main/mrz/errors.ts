import { FormatError } from '../base/errors.js';
import type { MrzErrorItem, MrzResult } from './types.js';

/**
 * Stable error codes of the MRZ engine (the `code` of an MrzErrorItem and of MrzError).
 * Callers switch on these, never on message texts.
 */
export const MRZ_ERROR_CODES = [
  'MRZ_LINE_COUNT', // not 2 or 3 lines
  'MRZ_LINE_LENGTH', // a line is not as long as its format requires
  'MRZ_BAD_CHARACTER', // a character outside A-Z, 0-9 and `<`
  'MRZ_DOCUMENT_CODE', // document code not allowed for the format
  'MRZ_DOCUMENT_NUMBER', // document number empty
  'MRZ_NAME', // name holds digits, or the primary identifier is missing
  'MRZ_CHECK_DIGIT', // a check digit (or the composite) does not match
  'MRZ_DATE', // not a date (month 13, 30 February, letters)
  'MRZ_COUNTRY', // issuing state or nationality not in the ICAO 9303 Part 3 list
  'MRZ_SEX', // sex not M, F, X or `<`
  'MRZ_AMBIGUOUS', // OCR repair found several readings that fit: it does not guess
  'MRZ_BUILD', // buildMrz / mrzInformation got fields that cannot be encoded
  'MRZ_INTERNAL', // a bug in the engine (the parser reports it instead of throwing)
] as const;
export type MrzErrorCode = (typeof MRZ_ERROR_CODES)[number];

/**
 * A typed error for callers who prefer exceptions (parseMrzStrict, buildMrz, mrzInformation).
 * Its message and details never hold personal data: only codes, field names and positions.
 * `result` (when thrown by parseMrzStrict) holds the whole parse result, personal data included:
 * do not log it.
 */
export class MrzError extends FormatError {
  readonly items: readonly MrzErrorItem[];
  readonly result: MrzResult | undefined;

  constructor(code: MrzErrorCode, message: string, items: readonly MrzErrorItem[] = [], result?: MrzResult) {
    super(code, message, {
      errors: items.map((e) => ({ code: e.code, field: e.field, line: e.line, column: e.column })),
    });
    this.items = items;
    this.result = result;
  }
}
