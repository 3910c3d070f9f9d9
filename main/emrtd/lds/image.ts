import { FormatError } from '../../base/errors.js';
import { uint } from './util.js';

/**
 * Image format detection and size for face images in DG2: JPEG (ISO/IEC 10918), a JPEG 2000
 * codestream (ISO/IEC 15444-1 Annex A, starts FF4F FF51) or a JP2 file (Annex I, starts with the
 * signature box 0000000C 6A502020 0D0A870A). Sizes come from the image's own header (SOFn, SIZ,
 * ihdr), never from the biometric header alone.
 */
export type ImageFormat = 'jpeg' | 'jpeg2000';
export type ImageContainer = 'jfif' | 'j2k' | 'jp2';

export interface ImageInfo {
  format: ImageFormat;
  /** jfif for JPEG, j2k for a raw JPEG 2000 codestream, jp2 for the JP2 box format. */
  container: ImageContainer;
  width: number;
  height: number;
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

function startsWith(b: Uint8Array, prefix: readonly number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/** The container kind from the first bytes, or undefined when the bytes are no known image. */
export function detectImageContainer(b: Uint8Array): ImageContainer | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jfif';
  if (startsWith(b, [0xff, 0x4f, 0xff, 0x51])) return 'j2k';
  if (startsWith(b, JP2_SIGNATURE)) return 'jp2';
  return undefined;
}

/** Reads format and size; throws FormatError('IMAGE_UNKNOWN' | 'IMAGE_TRUNCATED' ...). */
export function imageInfo(b: Uint8Array): ImageInfo {
  const c = detectImageContainer(b);
  if (c === 'jfif') return { format: 'jpeg', container: c, ...jpegSize(b) };
  if (c === 'j2k') return { format: 'jpeg2000', container: c, ...j2kSize(b, 0) };
  if (c === 'jp2') return { format: 'jpeg2000', container: c, ...jp2Size(b) };
  throw new FormatError('IMAGE_UNKNOWN', 'image is neither JPEG nor JPEG 2000');
}

function jpegSize(b: Uint8Array): { width: number; height: number } {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) throw new FormatError('IMAGE_BAD_JPEG', 'JPEG: marker expected', { offset: p });
    let marker = b[p + 1] as number;
    // Fill bytes (FF FF ...) before a marker.
    while (marker === 0xff && p + 2 < b.length) {
      p++;
      marker = b[p + 1] as number;
    }
    p += 2;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) break;
    const len = uint(b, p, 2, 'JPEG segment length');
    if (len < 2) throw new FormatError('IMAGE_BAD_JPEG', 'JPEG: segment length below 2', { offset: p });
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = uint(b, p + 3, 2, 'JPEG SOF height');
      const width = uint(b, p + 5, 2, 'JPEG SOF width');
      return { width, height };
    }
    p += len;
  }
  throw new FormatError('IMAGE_TRUNCATED', 'JPEG: no frame header (SOFn) found');
}

function j2kSize(b: Uint8Array, start: number): { width: number; height: number } {
  // SOC (FF4F), SIZ (FF51) Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4)
  if (b[start] !== 0xff || b[start + 1] !== 0x4f || b[start + 2] !== 0xff || b[start + 3] !== 0x51) {
    throw new FormatError('IMAGE_BAD_J2K', 'JPEG 2000 codestream does not start with SOC SIZ');
  }
  const p = start + 4;
  const xsiz = uint(b, p + 4, 4, 'J2K Xsiz');
  const ysiz = uint(b, p + 8, 4, 'J2K Ysiz');
  const xo = uint(b, p + 12, 4, 'J2K XOsiz');
  const yo = uint(b, p + 16, 4, 'J2K YOsiz');
  if (xo > xsiz || yo > ysiz) throw new FormatError('IMAGE_BAD_J2K', 'JPEG 2000: image offset beyond the reference grid');
  return { width: xsiz - xo, height: ysiz - yo };
}

interface Box {
  type: string;
  start: number;
  end: number;
}

function boxes(b: Uint8Array, start: number, end: number): Box[] {
  const out: Box[] = [];
  let p = start;
  while (p + 8 <= end) {
    let len = uint(b, p, 4, 'JP2 box length');
    const type = String.fromCharCode(b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number);
    let header = 8;
    if (len === 1) {
      const hi = uint(b, p + 8, 4, 'JP2 XLBox');
      const lo = uint(b, p + 12, 4, 'JP2 XLBox');
      if (hi !== 0) throw new FormatError('IMAGE_BAD_JP2', 'JP2 box larger than 4 GiB');
      len = lo;
      header = 16;
    } else if (len === 0) len = end - p;
    if (len < header || p + len > end) throw new FormatError('IMAGE_BAD_JP2', `JP2 box '${type.replace(/[^\x20-\x7e]/g, '?')}' has a bad length`, { offset: p });
    out.push({ type, start: p + header, end: p + len });
    p += len;
  }
  return out;
}

function jp2Size(b: Uint8Array): { width: number; height: number } {
  const top = boxes(b, 0, b.length);
  const jp2h = top.find((x) => x.type === 'jp2h');
  if (jp2h) {
    const ihdr = boxes(b, jp2h.start, jp2h.end).find((x) => x.type === 'ihdr');
    if (ihdr) return { height: uint(b, ihdr.start, 4, 'JP2 ihdr height'), width: uint(b, ihdr.start + 4, 4, 'JP2 ihdr width') };
  }
  const jp2c = top.find((x) => x.type === 'jp2c');
  if (jp2c) return j2kSize(b, jp2c.start);
  throw new FormatError('IMAGE_BAD_JP2', 'JP2: neither an ihdr box nor a codestream');
}

/** The JPEG 2000 codestream inside a JP2 file (or the bytes themselves for a raw codestream). */
export function j2kCodestream(b: Uint8Array): Uint8Array {
  const c = detectImageContainer(b);
  if (c === 'j2k') return b;
  if (c !== 'jp2') throw new FormatError('IMAGE_UNKNOWN', 'not a JPEG 2000 image');
  const jp2c = boxes(b, 0, b.length).find((x) => x.type === 'jp2c');
  if (!jp2c) throw new FormatError('IMAGE_BAD_JP2', 'JP2: no contiguous codestream box');
  return b.subarray(jp2c.start, jp2c.end);
}
