import { concatBytes, uintToBytes } from '../../base/bytes.js';
import { UsageError } from '../../base/errors.js';
import { encodeTlv } from '../../base/tlv.js';
import { mrzInformation, parseMrz } from '../../mrz/index.js';
import type { MrzResult } from '../../mrz/types.js';
import { der } from '../../emrtd/pki/der.js';
import type { DigestName } from '../../emrtd/pki/oids.js';
import { FID_CARD_ACCESS, fileByName } from '../../emrtd/lds/files.js';
import { buildSod, deriveTestKey, testPki, TEST_PKI_SEED, type TestKeyPair } from '../pki/index.js';
import type { PaceCipher, PaceCurve } from '../chip/types.js';
import { makeFaceImage } from './face.js';

/**
 * Test passports: every file a real chip holds, built to ICAO 9303 Part 10 (EF.COM, DG1 from the
 * MRZ, DG2 with an ISO/IEC 19794-5 or 39794-5 face record holding a real JPEG or JPEG 2000
 * portrait, DG11/DG12 on request, DG14/DG15 with deterministic test keys on request,
 * EF.CardAccess with a PACEInfo when PACE is on, EF.SOD signed by the test Document Signer).
 */

/** A specimen TD3 MRZ of Utopia (ICAO 9303 Part 4), with a date of expiry in the future. */
export const SPECIMEN_MRZ: readonly string[] = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F3404159ZE184226B<<<<<16'];

export interface PaceSettings {
  curve: PaceCurve;
  cipher: PaceCipher;
}

export interface AccessControlSettings {
  /** Whether the chip answers BAC. */
  bac: boolean;
  /** PACE (ECDH generic mapping) parameters, when the chip offers PACE. */
  pace?: PaceSettings;
}

export interface Dg11Fields {
  fullName?: string;
  personalNumber?: string;
  /** YYYYMMDD */
  fullDateOfBirth?: string;
  placeOfBirth?: string;
  address?: string;
  telephone?: string;
  profession?: string;
}

export interface Dg12Fields {
  issuingAuthority?: string;
  /** YYYYMMDD */
  dateOfIssue?: string;
  endorsements?: string;
}

export type SodSigner = 'valid' | 'expired' | 'revoked' | 'untrusted' | 'underLink';

export interface GenerateOptions {
  /** MRZ lines (TD1, TD2 or TD3); default SPECIMEN_MRZ. Must be valid (check digits). */
  mrz?: readonly string[];
  face?: 'jpeg' | 'jpeg2000';
  /** Face record encoding in DG2: ISO/IEC 19794-5 (default, what chips carry today) or 39794-5. */
  faceEncoding?: 'ISO19794-5' | 'ISO39794-5';
  /** Seed of the drawn portrait. */
  faceSeed?: number;
  dg11?: Dg11Fields | boolean;
  dg12?: Dg12Fields | boolean;
  /** DG14 with a Chip Authentication key (ECDH P-256) and, when dg15 is on, ActiveAuthenticationInfo. */
  dg14?: boolean;
  /** DG15 with an Active Authentication key (ECDSA P-256). */
  dg15?: boolean;
  /** Default: BAC and PACE (ECDH-GM brainpoolP256r1 AES-128). */
  accessControl?: AccessControlSettings;
  /** Card Access Number for PACE with a CAN; default 123456. */
  can?: string;
  /** EF.SOD: signed by the given test Document Signer (default 'valid'); false leaves EF.SOD out. */
  sod?: false | { signer?: SodSigner; digest?: DigestName };
  /** Seed of the test PKI and the chip keys (default the project's test PKI). */
  pkiSeed?: string;
}

/** What savePassport stores in passport.json (everything but the file bytes). */
export interface PassportSettings {
  mrz: string[];
  can: string;
  accessControl: AccessControlSettings;
  face: { format: 'jpeg' | 'jpeg2000'; encoding: 'ISO19794-5' | 'ISO39794-5'; width: number; height: number };
  /** Labels of the deterministic test keys (derived again from the PKI seed on load). */
  keys: { activeAuthentication?: string; chipAuthentication?: string; seed: string };
  sod: false | { signer: SodSigner; digest: DigestName };
}

export interface GeneratedPassport {
  settings: PassportSettings;
  /** Elementary files by file identifier (0x011E EF.COM, 0x0101 DG1, ..., 0x011D EF.SOD, 0x011C EF.CardAccess). */
  files: Map<number, Uint8Array>;
  /** The MRZ information of BAC/PACE: document number, birth and expiry dates, each with its check digit. */
  mrzInformation: string;
  mrz: MrzResult;
  can: string;
  accessControl: AccessControlSettings;
  /** The face image bytes as in DG2. */
  face: { format: 'jpeg' | 'jpeg2000'; width: number; height: number; bytes: Uint8Array };
  /** Chip-side keys for Active and Chip Authentication (test keys). */
  keys: { activeAuthentication?: TestKeyPair; chipAuthentication?: TestKeyPair };
}

const ID_PACE_ECDH_GM = '0.4.0.127.0.7.2.2.4.2';
const PACE_CIPHER_ARC: Record<PaceCipher, number> = { '3DES': 1, 'AES-128': 2, 'AES-192': 3, 'AES-256': 4 };
const PACE_PARAMETER_ID: Record<PaceCurve, number> = {
  'P-256': 12,
  'P-384': 15,
  'P-521': 18,
  brainpoolP256r1: 13,
  brainpoolP384r1: 16,
  brainpoolP512r1: 17,
};
const ID_CA_ECDH_AES_128 = '0.4.0.127.0.7.2.2.3.2.2';
const ID_PK_ECDH = '0.4.0.127.0.7.2.2.1.2';
const ID_AA = '2.23.136.1.1.5';
const ECDSA_PLAIN_SHA256 = '0.4.0.127.0.7.1.1.4.1.3';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** EF.CardAccess: SET OF PACEInfo { protocol, version 2, parameterId }. */
export function buildCardAccess(pace: PaceSettings): Uint8Array {
  const oid = `${ID_PACE_ECDH_GM}.${PACE_CIPHER_ARC[pace.cipher]}`;
  return der.set(der.seq(der.oid(oid), der.uint(2), der.uint(PACE_PARAMETER_ID[pace.curve])));
}

export function buildEfCom(dataGroupTags: number[]): Uint8Array {
  return encodeTlv(0x60, encodeTlv(0x5f01, text('0107')), encodeTlv(0x5f36, text('040000')), encodeTlv(0x5c, Uint8Array.from(dataGroupTags)));
}

export function buildDg1(lines: readonly string[]): Uint8Array {
  return encodeTlv(0x61, encodeTlv(0x5f1f, text(lines.join(''))));
}

/** ISO/IEC 19794-5:2005 facial record with one full-frontal image. */
export function iso19794FaceRecord(image: Uint8Array, o: { jpeg2000: boolean; width: number; height: number; gender?: number }): Uint8Array {
  const imageInfo = concatBytes(
    Uint8Array.of(0x01, o.jpeg2000 ? 0x01 : 0x00), // full frontal; JPEG or JPEG 2000
    uintToBytes(o.width, 2),
    uintToBytes(o.height, 2),
    Uint8Array.of(0x01, 0x02), // 24-bit RGB; digital still camera
    uintToBytes(0, 2), // device type
    uintToBytes(0, 2), // quality
  );
  const blockLength = 20 + imageInfo.length + image.length;
  const facialInfo = concatBytes(
    uintToBytes(blockLength, 4),
    uintToBytes(0, 2), // feature points
    Uint8Array.of(o.gender ?? 0, 0, 0), // gender, eye colour, hair colour
    uintToBytes(0, 3), // feature mask
    uintToBytes(0, 2), // expression
    uintToBytes(0, 3), // pose angle
    uintToBytes(0, 3), // pose angle uncertainty
  );
  const body = concatBytes(facialInfo, imageInfo, image);
  return concatBytes(text('FAC\0'), text('010\0'), uintToBytes(14 + body.length, 4), uintToBytes(1, 2), body);
}

/** ISO/IEC 39794-5 face image data block ([APPLICATION 5], implicitly tagged DER). */
export function iso39794FaceBlock(image: Uint8Array, o: { jpeg2000: boolean; width: number; height: number }): Uint8Array {
  const small = (n: number): Uint8Array => uintToBytes(n, n > 0x7fff ? 3 : n > 0x7f ? 2 : 1);
  const imageInformation2D = der.ctx(
    1,
    // imageDataFormat: CHOICE { code [0] } with ImageDataFormatCode unknown(0), jpeg(2), jpeg2000Lossy(3), jpeg2000Lossless(4).
    der.ctx(0, der.ctxPrim(0, small(o.jpeg2000 ? 3 : 2))),
    der.ctx(7, der.ctxPrim(0, small(o.width)), der.ctxPrim(1, small(o.height))),
  );
  const twoD = der.ctx(0, der.ctxPrim(0, image), imageInformation2D);
  const representation = der.seq(der.ctxPrim(0, small(1)), der.ctx(1, der.ctx(0, twoD)));
  const version = der.ctx(0, der.ctxPrim(0, small(3)), der.ctxPrim(1, small(2019)));
  return encodeTlv(0x65, version, der.ctx(1, representation));
}

export function buildDg2(faceBlock: Uint8Array, encoding: 'ISO19794-5' | 'ISO39794-5'): Uint8Array {
  const header = encodeTlv(
    0xa1,
    encodeTlv(0x80, Uint8Array.of(0x01, 0x01)), // ICAO header version 1.1
    encodeTlv(0x81, Uint8Array.of(0x02)), // biometric type: facial features
    encodeTlv(0x82, Uint8Array.of(0x00)), // subtype: none
    encodeTlv(0x87, Uint8Array.of(0x01, 0x01)), // format owner: ISO/IEC JTC 1/SC 37
    // Format type (IBIA CBEFF registry): 0x0008 ISO/IEC 19794-5 face image, 0x002A ISO/IEC 39794-5 (g3-binary-face-image).
    encodeTlv(0x88, encoding === 'ISO19794-5' ? Uint8Array.of(0x00, 0x08) : Uint8Array.of(0x00, 0x2a)),
  );
  return encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, Uint8Array.of(1)), encodeTlv(0x7f60, header, encodeTlv(0x5f2e, faceBlock))));
}

export function buildDg11(f: Dg11Fields): Uint8Array {
  const items: [number, string | undefined][] = [
    [0x5f0e, f.fullName],
    [0x5f10, f.personalNumber],
    [0x5f2b, f.fullDateOfBirth],
    [0x5f11, f.placeOfBirth],
    [0x5f42, f.address],
    [0x5f12, f.telephone],
    [0x5f13, f.profession],
  ];
  const present = items.filter((x): x is [number, string] => x[1] !== undefined);
  const list = concatBytes(...present.map(([t]) => uintToBytes(t, 2)));
  return encodeTlv(0x6b, encodeTlv(0x5c, list), ...present.map(([t, v]) => encodeTlv(t, text(v))));
}

export function buildDg12(f: Dg12Fields): Uint8Array {
  const items: [number, string | undefined][] = [
    [0x5f19, f.issuingAuthority],
    [0x5f26, f.dateOfIssue],
    [0x5f1b, f.endorsements],
  ];
  const present = items.filter((x): x is [number, string] => x[1] !== undefined);
  const list = concatBytes(...present.map(([t]) => uintToBytes(t, 2)));
  return encodeTlv(0x6c, encodeTlv(0x5c, list), ...present.map(([t, v]) => encodeTlv(t, text(v))));
}

/** DG14: ChipAuthenticationInfo + ChipAuthenticationPublicKeyInfo (+ ActiveAuthenticationInfo for ECDSA AA). */
export function buildDg14(ca: TestKeyPair, withAaInfo: boolean): Uint8Array {
  const infos = [der.seq(der.oid(ID_CA_ECDH_AES_128), der.uint(1)), der.seq(der.oid(ID_PK_ECDH), ca.spki)];
  if (withAaInfo) infos.push(der.seq(der.oid(ID_AA), der.uint(1), der.oid(ECDSA_PLAIN_SHA256)));
  return encodeTlv(0x6e, der.set(...infos));
}

export function buildDg15(aa: TestKeyPair): Uint8Array {
  return encodeTlv(0x6f, aa.spki);
}

const DEFAULT_ACCESS: AccessControlSettings = { bac: true, pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } };

export function chipKeys(seed: string, o: { aa?: boolean; ca?: boolean }): GeneratedPassport['keys'] {
  return {
    ...(o.aa ? { activeAuthentication: deriveTestKey(seed, 'passport AA key') } : {}),
    ...(o.ca ? { chipAuthentication: deriveTestKey(seed, 'passport CA key') } : {}),
  };
}

/** Builds a test passport. Throws UsageError for an invalid MRZ. */
export async function generatePassport(o: GenerateOptions = {}): Promise<GeneratedPassport> {
  const lines = [...(o.mrz ?? SPECIMEN_MRZ)];
  const mrz = parseMrz(lines);
  if (!mrz.valid || !mrz.format || !['TD1', 'TD2', 'TD3'].includes(mrz.format)) {
    throw new UsageError('BAD_MRZ', `the MRZ for the test passport is not a valid TD1/TD2/TD3 MRZ (${mrz.errors.map((e) => e.code).join(', ')})`);
  }
  // The chip stores the MRZ as printed (fillers and all): use the lines given, upper-cased.
  const printed = lines.map((l) => l.trim().toUpperCase());
  const f = mrz.fields;
  const info = mrzInformation(f.documentNumber ?? '', f.birthDate ?? '', f.expiryDate ?? '');
  const access = o.accessControl ?? DEFAULT_ACCESS;
  if (!access.bac && !access.pace) throw new UsageError('BAD_ACCESS_CONTROL', 'a chip needs BAC or PACE');
  const can = o.can ?? '123456';
  if (!/^\d{6}$/.test(can)) throw new UsageError('BAD_CAN', 'the CAN is six digits');
  const seed = o.pkiSeed ?? TEST_PKI_SEED;

  const faceFormat = o.face ?? 'jpeg';
  const encoding = o.faceEncoding ?? 'ISO19794-5';
  const face = await makeFaceImage(faceFormat, { seed: o.faceSeed ?? 1 });
  const faceOpts = { jpeg2000: faceFormat === 'jpeg2000', width: face.width, height: face.height, gender: f.sex === 'F' ? 2 : f.sex === 'M' ? 1 : 0 };
  const faceBlock = encoding === 'ISO19794-5' ? iso19794FaceRecord(face.bytes, faceOpts) : iso39794FaceBlock(face.bytes, faceOpts);

  const dgs = new Map<number, Uint8Array>();
  dgs.set(1, buildDg1(printed));
  dgs.set(2, buildDg2(faceBlock, encoding));
  if (o.dg11) dgs.set(11, buildDg11(o.dg11 === true ? { fullName: (f.surname ?? '') + '<<' + (f.givenNames ?? '').replace(/ /g, '<'), placeOfBirth: 'ZENITH, UTOPIA' } : o.dg11));
  if (o.dg12) dgs.set(12, buildDg12(o.dg12 === true ? { issuingAuthority: 'PASSPORT OFFICE ZENITH', dateOfIssue: '20240415' } : o.dg12));
  const keys = chipKeys(seed, { aa: o.dg15, ca: o.dg14 });
  if (keys.chipAuthentication) dgs.set(14, buildDg14(keys.chipAuthentication, keys.activeAuthentication !== undefined));
  if (keys.activeAuthentication) dgs.set(15, buildDg15(keys.activeAuthentication));

  const files = new Map<number, Uint8Array>();
  const tags = [...dgs.keys()].sort((a, b) => a - b).map((n) => fileByName(`DG${n}` as 'DG1').tag);
  files.set(fileByName('COM').fid, buildEfCom(tags));
  for (const [n, bytes] of dgs) files.set(0x0100 + n, bytes);
  let sodSettings: PassportSettings['sod'] = false;
  if (o.sod !== false) {
    const signerName = o.sod?.signer ?? 'valid';
    const digest = o.sod?.digest ?? 'SHA-256';
    const pki = testPki(seed);
    files.set(fileByName('SOD').fid, buildSod({ dataGroups: dgs, signer: pki.signers[signerName], digest }));
    sodSettings = { signer: signerName, digest };
  }
  if (access.pace) files.set(FID_CARD_ACCESS, buildCardAccess(access.pace));

  const settings: PassportSettings = {
    mrz: printed,
    can,
    accessControl: access,
    face: { format: faceFormat, encoding, width: face.width, height: face.height },
    keys: {
      seed,
      ...(keys.activeAuthentication ? { activeAuthentication: 'passport AA key' } : {}),
      ...(keys.chipAuthentication ? { chipAuthentication: 'passport CA key' } : {}),
    },
    sod: sodSettings,
  };
  return {
    settings,
    files,
    mrzInformation: info,
    mrz,
    can,
    accessControl: access,
    face: { format: faceFormat, width: face.width, height: face.height, bytes: face.bytes },
    keys,
  };
}
