import { FormatError } from '../../base/errors.js';
import { requireTlv } from '../../base/tlv.js';
import { fileByTag, type LdsFileName } from './files.js';
import { latin1, parseFileTlv } from './util.js';

/** EF.COM (ICAO 9303-10 §4.6.1): LDS and Unicode versions and the list of data groups present. */
export interface EfCom {
  /** "0107" for LDS 1.7 (tag 5F01), as stored. */
  ldsVersion: string;
  /** "040000" for Unicode 4.0.0 (tag 5F36), as stored. */
  unicodeVersion: string;
  /** Tags of the data groups present (tag 5C), e.g. [0x61, 0x75]. */
  tags: number[];
  /** The same as file names (unknown tags are dropped). */
  dataGroups: LdsFileName[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  const tlv = parseFileTlv(bytes, 0x60, 'EF.COM');
  const lds = requireTlv(tlv.children, 0x5f01, 'EF.COM LDS version');
  const uni = requireTlv(tlv.children, 0x5f36, 'EF.COM Unicode version');
  const list = requireTlv(tlv.children, 0x5c, 'EF.COM tag list');
  const tags = [...list.value];
  const dataGroups: LdsFileName[] = [];
  for (const t of tags) {
    const f = fileByTag(t);
    if (f && f.name.startsWith('DG') && !dataGroups.includes(f.name)) dataGroups.push(f.name);
  }
  const ldsVersion = latin1(lds.value);
  const unicodeVersion = latin1(uni.value);
  if (!/^\d{4}$/.test(ldsVersion)) throw new FormatError('LDS_BAD_VERSION', 'EF.COM: LDS version is not 4 digits');
  if (!/^\d{6}$/.test(unicodeVersion)) throw new FormatError('LDS_BAD_VERSION', 'EF.COM: Unicode version is not 6 digits');
  return { ldsVersion, unicodeVersion, tags, dataGroups };
}
