import { findTlv, type Tlv } from '../../base/tlv.js';
import { latin1, parseFileTlv, utf8 } from './util.js';

/**
 * DG11 (additional personal details) and DG12 (additional document details), ICAO 9303-10
 * §4.7.11 and §4.7.12. Text fields are UTF-8; names use '<' as in the MRZ ('<<' between primary
 * and secondary identifier). Only the tags present are set. Personal data: never log.
 */
export interface Dg11 {
  fullName?: string;
  otherNames?: string[];
  personalNumber?: string;
  /** 5F2B: YYYYMMDD as stored (may be partial, e.g. with '0' or '<' for unknown parts). */
  fullDateOfBirth?: string;
  placeOfBirth?: string;
  address?: string;
  telephone?: string;
  profession?: string;
  title?: string;
  personalSummary?: string;
  /** 5F16: an image of the proof of citizenship (bytes). */
  proofOfCitizenship?: Uint8Array;
  otherTravelDocuments?: string;
  custodyInformation?: string;
  /** Tags listed in 5C. */
  tagList: number[];
}

export interface Dg12 {
  issuingAuthority?: string;
  /** 5F26: YYYYMMDD. */
  dateOfIssue?: string;
  otherPersons?: string[];
  endorsements?: string;
  taxOrExitRequirements?: string;
  imageOfFront?: Uint8Array;
  imageOfRear?: Uint8Array;
  /** 5F55: YYYYMMDDhhmmss. */
  personalizationTime?: string;
  personalizationDeviceSerial?: string;
  tagList: number[];
}

function text(list: Tlv[] | undefined, tag: number): string | undefined {
  const t = findTlv(list, tag);
  return t ? utf8(t.value) : undefined;
}

function date(list: Tlv[] | undefined, tag: number): string | undefined {
  const t = findTlv(list, tag);
  if (!t) return undefined;
  // Usually 8 ASCII digits; some issuers store 4 BCD bytes.
  if (t.value.length === 4) return [...t.value].map((b) => b.toString(16).padStart(2, '0')).join('');
  return latin1(t.value);
}

/** Several occurrences of `tag`, possibly grouped in A0 { 02 count, tag... } templates. */
function many(list: Tlv[] | undefined, tag: number): string[] | undefined {
  const out: string[] = [];
  for (const t of list ?? []) {
    if (t.tag === tag) out.push(utf8(t.value));
    else if (t.tag === 0xa0) for (const c of t.children ?? []) if (c.tag === tag) out.push(utf8(c.value));
  }
  return out.length ? out : undefined;
}

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function parseDg11(bytes: Uint8Array): Dg11 {
  const c = parseFileTlv(bytes, 0x6b, 'DG11').children;
  return strip({
    fullName: text(c, 0x5f0e),
    otherNames: many(c, 0x5f0f),
    personalNumber: text(c, 0x5f10),
    fullDateOfBirth: date(c, 0x5f2b),
    placeOfBirth: text(c, 0x5f11),
    address: text(c, 0x5f42),
    telephone: text(c, 0x5f12),
    profession: text(c, 0x5f13),
    title: text(c, 0x5f14),
    personalSummary: text(c, 0x5f15),
    proofOfCitizenship: findTlv(c, 0x5f16)?.value,
    otherTravelDocuments: text(c, 0x5f17),
    custodyInformation: text(c, 0x5f18),
    tagList: tagList(c),
  });
}

export function parseDg12(bytes: Uint8Array): Dg12 {
  const c = parseFileTlv(bytes, 0x6c, 'DG12').children;
  return strip({
    issuingAuthority: text(c, 0x5f19),
    dateOfIssue: date(c, 0x5f26),
    otherPersons: many(c, 0x5f1a),
    endorsements: text(c, 0x5f1b),
    taxOrExitRequirements: text(c, 0x5f1c),
    imageOfFront: findTlv(c, 0x5f1d)?.value,
    imageOfRear: findTlv(c, 0x5f1e)?.value,
    personalizationTime: text(c, 0x5f55),
    personalizationDeviceSerial: text(c, 0x5f56),
    tagList: tagList(c),
  });
}

/** The 5C tag list: a concatenation of 1- or 2-byte tags. */
function tagList(c: Tlv[] | undefined): number[] {
  const t = findTlv(c, 0x5c);
  const out: number[] = [];
  if (!t) return out;
  const v = t.value;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if ((b & 0x1f) === 0x1f && i + 1 < v.length) {
      out.push(b * 256 + (v[i + 1] as number));
      i++;
    } else out.push(b);
  }
  return out;
}
