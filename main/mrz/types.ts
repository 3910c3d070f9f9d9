/**
 * The MRZ engine's public types. `MrzResult` is exactly the JSON that `kiosk mrz` prints
 * (a contract: add fields freely, never rename or remove one).
 */
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB';

export type MrzFieldName =
  | 'documentCode'
  | 'issuingState'
  | 'surname'
  | 'givenNames'
  | 'documentNumber'
  | 'nationality'
  | 'birthDate'
  | 'sex'
  | 'expiryDate'
  | 'personalNumber'
  | 'optionalData'
  | 'optionalData2';

/** Field values as printed: dates YYMMDD, names with `<` turned into spaces, fillers trimmed. */
export type MrzFields = Partial<Record<MrzFieldName, string>>;

export type MrzCheckName = 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'optionalData' | 'composite';

export interface MrzCheck {
  field: MrzCheckName;
  valid: boolean;
}

/** One character changed by OCR repair. line and column are 1-based. */
export interface MrzCorrection {
  line: number;
  column: number;
  from: string;
  to: string;
  field?: MrzFieldName;
}

export interface MrzErrorItem {
  code: string;
  field?: MrzFieldName | MrzCheckName;
  message: string;
  /** 1-based, when the error is about one place. */
  line?: number;
  column?: number;
  /** MRZ_AMBIGUOUS: the readings of the field that fit (as printed in the MRZ, `<` kept). */
  candidates?: string[];
}

export interface MrzResult {
  valid: boolean;
  format: MrzFormat | null;
  fields: MrzFields;
  checks: MrzCheck[];
  corrections: MrzCorrection[];
  errors: MrzErrorItem[];
}
