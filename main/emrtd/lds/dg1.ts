import { FormatError } from '../../base/errors.js';
import { requireTlv } from '../../base/tlv.js';
import { latin1, parseFileTlv } from './util.js';

/** DG1 (ICAO 9303-10 §4.7.1): the MRZ as printed, tag 61 → 5F1F. */
export interface Dg1 {
  /** TD1 (3 × 30), TD2 (2 × 36) or TD3 (2 × 44), from the data length. */
  format: 'TD1' | 'TD2' | 'TD3';
  /** The MRZ lines, to be parsed by main/mrz. Personal data: never log. */
  lines: string[];
}

const LAYOUTS: Record<number, { format: Dg1['format']; lineLength: number }> = {
  90: { format: 'TD1', lineLength: 30 },
  72: { format: 'TD2', lineLength: 36 },
  88: { format: 'TD3', lineLength: 44 },
};

export function parseDg1(bytes: Uint8Array): Dg1 {
  const tlv = parseFileTlv(bytes, 0x61, 'DG1');
  const mrz = requireTlv(tlv.children, 0x5f1f, 'DG1 MRZ');
  const layout = LAYOUTS[mrz.value.length];
  if (!layout) throw new FormatError('LDS_BAD_MRZ_LENGTH', `DG1: MRZ of ${mrz.value.length} characters is not TD1, TD2 or TD3`, { length: mrz.value.length });
  const text = latin1(mrz.value);
  if (!/^[A-Z0-9<]*$/.test(text)) throw new FormatError('LDS_BAD_MRZ_CHARS', 'DG1: MRZ has characters outside A-Z, 0-9 and <');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += layout.lineLength) lines.push(text.slice(i, i + layout.lineLength));
  return { format: layout.format, lines };
}
