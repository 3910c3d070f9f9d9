import { FormatError } from '../../base/errors.js';

/**
 * The elementary files of the eMRTD application (ICAO 9303 Part 10, §3 and §4.6): file
 * identifiers, short file identifiers and the tag each file's TLV starts with.
 */
export type LdsFileName =
  | 'COM'
  | 'SOD'
  | 'DG1'
  | 'DG2'
  | 'DG3'
  | 'DG4'
  | 'DG5'
  | 'DG6'
  | 'DG7'
  | 'DG8'
  | 'DG9'
  | 'DG10'
  | 'DG11'
  | 'DG12'
  | 'DG13'
  | 'DG14'
  | 'DG15'
  | 'DG16';

export interface LdsFileInfo {
  name: LdsFileName;
  fid: number;
  sfi: number;
  tag: number;
}

const DG_TAGS = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70];

export const LDS_FILES: readonly LdsFileInfo[] = [
  { name: 'COM', fid: 0x011e, sfi: 0x1e, tag: 0x60 },
  { name: 'SOD', fid: 0x011d, sfi: 0x1d, tag: 0x77 },
  ...DG_TAGS.map((tag, i) => ({ name: `DG${i + 1}` as LdsFileName, fid: 0x0101 + i, sfi: 0x01 + i, tag })),
];

/** EF.CardAccess (in the master file, not wrapped in an application tag). */
export const FID_CARD_ACCESS = 0x011c;

export function fileByName(name: LdsFileName): LdsFileInfo {
  const f = LDS_FILES.find((x) => x.name === name);
  if (!f) throw new FormatError('LDS_UNKNOWN_FILE', `unknown LDS file ${String(name)}`);
  return f;
}

export function fileByFid(fid: number): LdsFileInfo | undefined {
  return LDS_FILES.find((x) => x.fid === fid);
}

export function fileByTag(tag: number): LdsFileInfo | undefined {
  return LDS_FILES.find((x) => x.tag === tag);
}

export function isLdsFileName(s: string): s is LdsFileName {
  return LDS_FILES.some((f) => f.name === s);
}
