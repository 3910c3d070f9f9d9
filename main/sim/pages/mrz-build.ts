/**
 * TD3 (passport) MRZ lines for synthetic data pages, built from fields with ICAO 9303 Part 4
 * check digits. A generator's helper: the MRZ engine proper (parse, repair) lives in main/mrz.
 */
import { checkDigit } from '../../mrz/check-digit.js';

export interface Td3Fields {
  documentCode: string; // 'P' or 'P<' style, 1-2 chars
  issuingState: string; // 3 letters
  surname: string;
  givenNames: string;
  documentNumber: string; // up to 9
  nationality: string;
  birthDate: string; // YYMMDD
  sex: 'M' | 'F' | '<';
  expiryDate: string; // YYMMDD
  personalNumber: string; // up to 14
}

function pad(s: string, n: number): string {
  const t = s.toUpperCase().replace(/[^A-Z0-9<]/g, '<');
  return (t + '<'.repeat(n)).slice(0, n);
}

function nameField(surname: string, given: string): string {
  const clean = (s: string): string => s.toUpperCase().trim().replace(/[^A-Z ]/g, '').replace(/\s+/g, '<');
  return pad(`${clean(surname)}<<${clean(given)}`, 39);
}

export function buildTd3(f: Td3Fields): [string, string] {
  const l1 = pad(f.documentCode, 2) + pad(f.issuingState, 3) + nameField(f.surname, f.givenNames);
  const doc = pad(f.documentNumber, 9);
  const pn = pad(f.personalNumber, 14);
  const docCd = String(checkDigit(doc));
  const bCd = String(checkDigit(f.birthDate));
  const eCd = String(checkDigit(f.expiryDate));
  const pnCd = /^<+$/.test(pn) ? '<' : String(checkDigit(pn));
  const composite = doc + docCd + f.birthDate + bCd + f.expiryDate + eCd + pn + pnCd;
  const l2 = doc + docCd + pad(f.nationality, 3) + f.birthDate + bCd + f.sex + f.expiryDate + eCd + pn + pnCd + String(checkDigit(composite));
  return [l1, l2];
}
