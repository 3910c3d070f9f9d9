import { FormatError } from '../../base/errors.js';
import { findTlv, parseTlv, requireTlv, type Tlv } from '../../base/tlv.js';
import { detectImageContainer, imageInfo, type ImageInfo } from './image.js';
import { latin1, parseFileTlv, uint } from './util.js';

/**
 * DG2 (ICAO 9303-10 §4.7.2): the encoded face. 75 → 7F61 (biometric information group template:
 * 02 count, then one 7F60 per biometric) → A1 (biometric header template) and the biometric data
 * block, 5F2E (plain) or 7F2E (constructed). The data block is either an ISO/IEC 19794-5 facial
 * record ('FAC\0') or an ISO/IEC 39794-5 face image data block (DER, [APPLICATION 5]).
 */
export type FaceEncoding = 'ISO19794-5' | 'ISO39794-5';

export interface FaceImage {
  encoding: FaceEncoding;
  /** The image bytes (JPEG, JPEG 2000 codestream or JP2). Personal data: never log. */
  image: Uint8Array;
  /** Format and size read from the image's own header. */
  info: ImageInfo;
  /** What the biometric record declares (may disagree with the image; kept for the record). */
  declared: { imageDataType?: number; width?: number; height?: number; version?: string };
}

export interface BiometricHeader {
  /** 87: format owner (0x0101 = ISO/IEC JTC 1/SC 37). */
  formatOwner?: number;
  /** 88: format type (0x0008 = ISO/IEC 19794-5 face, 0x002A = ISO/IEC 39794-5 face). */
  formatType?: number;
  /** 81: biometric type (0x02 = facial features). */
  biometricType?: number;
}

export interface Dg2 {
  /** One entry per face image found, in order. */
  faces: FaceImage[];
  headers: BiometricHeader[];
}

function intValue(t: Tlv | undefined): number | undefined {
  if (!t || t.value.length === 0 || t.value.length > 4) return undefined;
  let v = 0;
  for (const b of t.value) v = v * 256 + b;
  return v;
}

export function parseDg2(bytes: Uint8Array): Dg2 {
  const tlv = parseFileTlv(bytes, 0x75, 'DG2');
  const group = requireTlv(tlv.children, 0x7f61, 'DG2 biometric information group template');
  const templates = (group.children ?? []).filter((c) => c.tag === 0x7f60);
  if (templates.length === 0) throw new FormatError('LDS_NO_BIOMETRIC', 'DG2: no biometric information template (7F60)');
  const count = intValue(findTlv(group.children, 0x02));
  if (count !== undefined && count !== templates.length) {
    throw new FormatError('LDS_BAD_COUNT', `DG2: declares ${count} biometric templates, holds ${templates.length}`);
  }
  const faces: FaceImage[] = [];
  const headers: BiometricHeader[] = [];
  for (const bit of templates) {
    const bht = (bit.children ?? []).find((c) => c.tag >= 0xa1 && c.tag <= 0xaf);
    headers.push({
      formatOwner: intValue(findTlv(bht?.children, 0x87)),
      formatType: intValue(findTlv(bht?.children, 0x88)),
      biometricType: intValue(findTlv(bht?.children, 0x81)),
    });
    const bdb = findTlv(bit.children, 0x5f2e) ?? findTlv(bit.children, 0x7f2e);
    if (!bdb) throw new FormatError('LDS_NO_BDB', 'DG2: biometric data block (5F2E or 7F2E) missing');
    faces.push(...parseFaceBlock(bdb.value));
  }
  return { faces, headers };
}

/** A biometric data block: ISO/IEC 19794-5 when it starts with 'FAC\0', ISO/IEC 39794-5 otherwise. */
export function parseFaceBlock(data: Uint8Array): FaceImage[] {
  if (data.length >= 4 && data[0] === 0x46 && data[1] === 0x41 && data[2] === 0x43 && data[3] === 0x00) return parseIso19794Face(data);
  return parseIso39794Face(data);
}

/** ISO/IEC 19794-5:2005 facial record (version "010"). */
export function parseIso19794Face(d: Uint8Array): FaceImage[] {
  if (d.length < 14) throw new FormatError('LDS_TRUNCATED', 'ISO 19794-5: record shorter than its header');
  const version = latin1(d.subarray(4, 7));
  const recordLength = uint(d, 8, 4, 'ISO 19794-5 record length');
  const n = uint(d, 12, 2, 'ISO 19794-5 number of faces');
  if (recordLength > d.length) throw new FormatError('LDS_TRUNCATED', `ISO 19794-5: record declares ${recordLength} bytes, has ${d.length}`);
  if (recordLength < 14) throw new FormatError('LDS_BAD_LENGTH', 'ISO 19794-5: record length below the header size');
  if (n === 0) throw new FormatError('LDS_NO_BIOMETRIC', 'ISO 19794-5: no facial image');
  if (version !== '010') return [scanForImage(d.subarray(14, recordLength), 'ISO19794-5', version)];
  const faces: FaceImage[] = [];
  let p = 14;
  for (let i = 0; i < n; i++) {
    const blockLength = uint(d, p, 4, 'ISO 19794-5 facial block length');
    const points = uint(d, p + 4, 2, 'ISO 19794-5 feature points');
    const imgInfo = p + 20 + points * 8;
    const imgStart = imgInfo + 12;
    const end = p + blockLength;
    if (blockLength < 32 || end > recordLength || imgStart > end) {
      throw new FormatError('LDS_BAD_LENGTH', 'ISO 19794-5: facial record data block length is inconsistent', { index: i });
    }
    const imageDataType = d[imgInfo + 1] as number;
    const width = uint(d, imgInfo + 2, 2, 'ISO 19794-5 width');
    const height = uint(d, imgInfo + 4, 2, 'ISO 19794-5 height');
    const image = d.subarray(imgStart, end);
    faces.push({ encoding: 'ISO19794-5', image, info: imageInfo(image), declared: { imageDataType, width, height, version } });
    p = end;
  }
  return faces;
}

function scanForImage(d: Uint8Array, encoding: FaceEncoding, version: string): FaceImage {
  for (let i = 0; i + 12 <= d.length; i++) {
    if (d[i] !== 0xff && d[i] !== 0x00) continue;
    const rest = d.subarray(i);
    if (detectImageContainer(rest)) return { encoding, image: rest, info: imageInfo(rest), declared: { version } };
  }
  throw new FormatError('IMAGE_UNKNOWN', `ISO 19794-5 version ${version.replace(/[^\x20-\x7e]/g, '?')}: no image found`);
}

/**
 * ISO/IEC 39794-5 face image data block (tagged DER, implicit tags):
 *   FaceImageDataBlock ::= [APPLICATION 5] { versionBlock [0], representationBlocks [1] SEQUENCE OF
 *     RepresentationBlock { representationId [0], imageRepresentation [1] CHOICE { base [0] CHOICE {
 *       imageRepresentation2DBlock [0] { representationData2D [0] OCTET STRING,
 *         imageInformation2DBlock [1] { imageDataFormat [0], ..., imageSizeBlock [7] { width [0], height [1] } } } } } } }
 * Some encoders wrap the block in a context tag [1]; both forms are accepted.
 */
export function parseIso39794Face(d: Uint8Array): FaceImage[] {
  let root = parseTlv(d, { maxLength: 1 << 24 });
  if (root.tag !== 0x65 && root.constructed) {
    const inner = findTlv(root.children, 0x65);
    if (inner) root = inner;
  }
  if (root.tag !== 0x65 || !root.children) throw new FormatError('LDS_BAD_TAG', 'ISO 39794-5: face image data block ([APPLICATION 5]) expected');
  const version = findTlv(root.children, 0xa0);
  const gen = intValue(findTlv(version?.children, 0x80));
  const year = intValue(findTlv(version?.children, 0x81));
  const reps = requireTlv(root.children, 0xa1, 'ISO 39794-5 representation blocks');
  const faces: FaceImage[] = [];
  for (const rep of reps.children ?? []) {
    const imageRep = requireTlv(rep.children, 0xa1, 'ISO 39794-5 image representation');
    const base = requireTlv(imageRep.children, 0xa0, 'ISO 39794-5 image representation base');
    const twoD = requireTlv(base.children, 0xa0, 'ISO 39794-5 2D image representation');
    const data = requireTlv(twoD.children, 0x80, 'ISO 39794-5 representation data');
    const info2d = findTlv(twoD.children, 0xa1);
    const fmt = findTlv(info2d?.children, 0xa0) ?? findTlv(info2d?.children, 0x80);
    const imageDataType = fmt?.children ? intValue(findTlv(fmt.children, 0x80)) : intValue(fmt);
    const size = findTlv(info2d?.children, 0xa7);
    const image = data.value;
    faces.push({
      encoding: 'ISO39794-5',
      image,
      info: imageInfo(image),
      declared: {
        imageDataType,
        width: intValue(findTlv(size?.children, 0x80)),
        height: intValue(findTlv(size?.children, 0x81)),
        version: gen !== undefined ? `${gen}/${year ?? ''}` : undefined,
      },
    });
  }
  if (faces.length === 0) throw new FormatError('LDS_NO_BIOMETRIC', 'ISO 39794-5: no representation block');
  return faces;
}
