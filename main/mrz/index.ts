/**
 * The MRZ engine (ICAO Doc 9303 Parts 3-7): parse, validate and repair the machine readable zone of
 * TD1, TD2 and TD3 documents and of MRV-A and MRV-B visas, and build MRZs and BAC/PACE keys.
 *
 * Conventions of the fields (the `kiosk mrz` JSON contract): every field of the format is present
 * (an empty string when the document leaves it blank); dates as printed (YYMMDD; the century is
 * resolved by resolveMrzDate when needed); names with `<` turned into spaces; trailing fillers
 * trimmed; the document number in full (a long number continued in the optional data is joined).
 * Sex is kept as printed: M, F, X, or `<` (unspecified) — `<` is not turned into X, because the
 * chip's DG1 and the printed page must compare equal.
 */
export type {
  MrzCheck,
  MrzCheckName,
  MrzCorrection,
  MrzErrorItem,
  MrzFieldName,
  MrzFields,
  MrzFormat,
  MrzResult,
} from './types.js';
export { charValue, checkDigit } from './check-digit.js';
export { ICAO_SPECIAL_CODES, ISO_3166_ALPHA3, MRZ_COUNTRY_CODES, isMrzCountryCode, isMrzCountryField } from './countries.js';
export { EXPIRY_YEARS_AHEAD, isAcceptableBirthDate, resolveMrzDate, type MrzDateKind } from './dates.js';
export { MRZ_ERROR_CODES, MrzError, type MrzErrorCode } from './errors.js';
export { LAYOUTS as MRZ_LAYOUTS, type FormatLayout as MrzLayout, type Span as MrzSpan } from './layout.js';
export { parseMrz, parseMrzStrict, splitMrzName, type ParseMrzOptions } from './parse.js';
export { DIGIT_TO_LETTERS, LETTER_TO_DIGIT, definiteFillerOffsets } from './repair.js';
export { buildMrz, mrzInformation, mrzNameField, toMrzName } from './build.js';
