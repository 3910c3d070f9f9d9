/**
 * Image decoding and pixel helpers for the document checks. PNG (pngjs) and baseline/progressive
 * JPEG (jpeg-js), any bit depth or colour type pngjs reads; everything becomes 8-bit RGBA, then
 * Rec. 601 luma for the checks that need one channel. Bad input raises ImageError (a FormatError
 * with a stable code), never anything else.
 */
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FormatError } from '../base/errors.js';

export class ImageError extends FormatError {}

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row-major. */
  data: Uint8Array;
}

/** One channel, float 0..1, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Larger frames are refused (a scanner page is a few megapixels; 64 MP would be 256 MB of RGBA). */
export const MAX_PIXELS = 40_000_000;
export const MIN_SIDE = 32;

export type ImageFormat = 'png' | 'jpeg';

export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** A whole file ends with IEND (PNG) or EOI (JPEG, possibly followed by a little padding). */
function hasEndMarker(bytes: Uint8Array, fmt: ImageFormat): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  if (fmt === 'png') return Buffer.from(tail).includes('IEND');
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
  return false;
}

/** Width and height from a JPEG's SOFn segment, or null. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1] as number;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: ((bytes[i + 5] as number) << 8) | (bytes[i + 6] as number), width: ((bytes[i + 7] as number) << 8) | (bytes[i + 8] as number) };
    }
    i += 2 + len;
  }
  return null;
}

interface SkiaModule {
  Image: new () => { src: Buffer; width: number; height: number; complete?: boolean };
  createCanvas: (w: number, h: number) => {
    getContext: (t: '2d') => { drawImage: (img: unknown, x: number, y: number) => void; getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray } };
  };
}
let skia: SkiaModule | null | undefined;
function loadSkia(): SkiaModule | null {
  if (skia === undefined) {
    try {
      skia = createRequire(import.meta.url)('@napi-rs/canvas') as SkiaModule;
    } catch {
      skia = null;
    }
  }
  return skia;
}

/** Native decode (Skia, via @napi-rs/canvas) when available: 3-5x faster than the JS decoders. */
function decodeNative(bytes: Uint8Array): RgbaImage | null {
  const s = loadSkia();
  if (!s) return null;
  try {
    const img = new s.Image();
    img.src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { width, height } = img;
    if (!width || !height) return null;
    checkSize(width, height);
    // Some @napi-rs/canvas versions decode asynchronously: an image that is not complete yet
    // draws nothing. Then (or when nothing was drawn at all) the JS decoders take over.
    if ((img as { complete?: boolean }).complete === false) return null;
    const ctx = s.createCanvas(width, height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, width, height).data;
    if (nothingDrawn(d)) return null;
    return { width, height, data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
  } catch (e) {
    if (e instanceof ImageError) throw e;
    return null;
  }
}

/** True when no sampled pixel has any alpha: the decoder drew nothing (PNG and JPEG pages are opaque). */
function nothingDrawn(d: Uint8ClampedArray): boolean {
  const step = 4 * 101;
  for (let i = 3; i < d.length; i += step) if (d[i] !== 0) return false;
  return true;
}

function checkSize(width: number, height: number): void {
  if (width * height > MAX_PIXELS) throw new ImageError('IMAGE_TOO_LARGE', 'image has more pixels than the checks accept', { width, height, maxPixels: MAX_PIXELS });
  if (width < MIN_SIDE || height < MIN_SIDE) throw new ImageError('IMAGE_TOO_SMALL', 'image is too small for the document checks', { width, height, minSide: MIN_SIDE });
}

/** Decodes PNG or JPEG bytes to RGBA. Throws ImageError: IMAGE_UNSUPPORTED, IMAGE_CORRUPT, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const fmt = sniffImage(bytes);
  if (!fmt) throw new ImageError('IMAGE_UNSUPPORTED', 'not a PNG or JPEG image', { length: bytes.length });
  if (!hasEndMarker(bytes, fmt)) throw new ImageError('IMAGE_CORRUPT', `the ${fmt.toUpperCase()} image is truncated`, { length: bytes.length });
  const header = fmt === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (header) checkSize(header.width, header.height);
  const native = decodeNative(bytes);
  if (native) return native;
  // JS decoders: the fallback, and the source of precise errors for damaged files
  if (fmt === 'png') {
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      checkSize(png.width, png.height);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (e) {
      if (e instanceof ImageError) throw e;
      throw new ImageError('IMAGE_CORRUPT', 'the PNG image cannot be decoded', {}, { cause: e });
    }
  }
  try {
    const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    checkSize(j.width, j.height);
    return { width: j.width, height: j.height, data: j.data };
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const msg = e instanceof Error ? e.message : '';
    if (/maxResolutionInMP|memory/i.test(msg)) throw new ImageError('IMAGE_TOO_LARGE', 'image has more pixels than the checks accept', { maxPixels: MAX_PIXELS }, { cause: e });
    throw new ImageError('IMAGE_CORRUPT', 'the JPEG image cannot be decoded', {}, { cause: e });
  }
}

/** Rec. 601 luma, 0..1. */
export function toGray(img: RgbaImage): GrayImage {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = (0.299 * (d[j] as number) + 0.587 * (d[j + 1] as number) + 0.114 * (d[j + 2] as number)) / 255;
  return { width: img.width, height: img.height, data: out };
}

/**
 * Resizes a gray image: area averaging when shrinking (no aliasing), bilinear when enlarging.
 */
export function resizeGray(src: GrayImage, width: number, height: number): GrayImage {
  const out = new Float32Array(width * height);
  const sx = src.width / width;
  const sy = src.height / height;
  if (sx >= 1 && sy >= 1) {
    // Area average, separable: each output pixel is the mean of the source block
    // [floor(x sx), floor((x+1) sx)) x [floor(y sy), floor((y+1) sy)).
    const W = src.width;
    const H = src.height;
    const xs0 = new Int32Array(width);
    const xs1 = new Int32Array(width);
    for (let x = 0; x < width; x++) {
      xs0[x] = Math.floor(x * sx);
      xs1[x] = Math.max((xs0[x] as number) + 1, Math.min(W, Math.floor((x + 1) * sx)));
    }
    const tmp = new Float64Array(width * H);
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = 0; x < width; x++) {
        let acc = 0;
        const x1 = xs1[x] as number;
        for (let i = xs0[x] as number; i < x1; i++) acc += src.data[row + i] as number;
        tmp[y * width + x] = acc;
      }
    }
    for (let y = 0; y < height; y++) {
      const y0 = Math.floor(y * sy);
      const y1 = Math.max(y0 + 1, Math.min(H, Math.floor((y + 1) * sy)));
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let j = y0; j < y1; j++) acc += tmp[j * width + x] as number;
        out[y * width + x] = acc / (((xs1[x] as number) - (xs0[x] as number)) * (y1 - y0));
      }
    }
  } else {
    for (let y = 0; y < height; y++) {
      const fy = Math.min(src.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
      for (let x = 0; x < width; x++) {
        const fx = Math.min(src.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
        out[y * width + x] = sampleGray(src, fx, fy);
      }
    }
  }
  return { width, height, data: out };
}

/** Bilinear sample; outside the image, the nearest edge pixel. */
export function sampleGray(img: GrayImage, x: number, y: number): number {
  const W = img.width;
  const H = img.height;
  const cx = Math.min(W - 1, Math.max(0, x));
  const cy = Math.min(H - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(W - 1, x0 + 1);
  const y1 = Math.min(H - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const d = img.data;
  const a = (d[y0 * W + x0] as number) * (1 - fx) + (d[y0 * W + x1] as number) * fx;
  const b = (d[y1 * W + x0] as number) * (1 - fx) + (d[y1 * W + x1] as number) * fx;
  return a * (1 - fy) + b * fy;
}

/** The size that makes the longer side `longSide`, keeping the aspect ratio. */
export function fitLongSide(width: number, height: number, longSide: number): { width: number; height: number; scale: number } {
  const scale = longSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** RGB crop resized to size x size (bilinear), as float NHWC normalised to [-1, 1] (BlazeFace input). */
export function cropToNhwc(img: RgbaImage, x0: number, y0: number, side: number, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const W = img.width;
  const H = img.height;
  const d = img.data;
  const step = side / size;
  for (let y = 0; y < size; y++) {
    const fy = y0 + (y + 0.5) * step - 0.5;
    for (let x = 0; x < size; x++) {
      const fx = x0 + (x + 0.5) * step - 0.5;
      const o = (y * size + x) * 3;
      if (fx < 0 || fy < 0 || fx > W - 1 || fy > H - 1) {
        out[o] = out[o + 1] = out[o + 2] = -1;
        continue;
      }
      const xa = Math.floor(fx);
      const ya = Math.floor(fy);
      const xb = Math.min(W - 1, xa + 1);
      const yb = Math.min(H - 1, ya + 1);
      const ax = fx - xa;
      const ay = fy - ya;
      for (let c = 0; c < 3; c++) {
        const p00 = d[(ya * W + xa) * 4 + c] as number;
        const p01 = d[(ya * W + xb) * 4 + c] as number;
        const p10 = d[(yb * W + xa) * 4 + c] as number;
        const p11 = d[(yb * W + xb) * 4 + c] as number;
        const v = (p00 * (1 - ax) + p01 * ax) * (1 - ay) + (p10 * (1 - ax) + p11 * ax) * ay;
        out[o + c] = (v / 255) * 2 - 1;
      }
    }
  }
  return out;
}

/** Encodes an RGBA crop as PNG (for the officer's view of the printed portrait). */
/**
 * A passport-photo framing (PNG) around a detected face region, for the officer's side-by-side
 * view of the printed photo and the chip photo.
 */
export function portraitCrop(img: RgbaImage, face: { x: number; y: number; w: number; h: number }): Uint8Array {
  const cx = face.x + face.w / 2;
  const cy = face.y + face.h / 2;
  const w = face.w * 2;
  const h = face.h * 2.6;
  return encodePngCrop(img, cx - w / 2, cy - h * 0.45, w, h);
}

export function encodePngCrop(img: RgbaImage, x: number, y: number, w: number, h: number): Uint8Array {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.ceil(x + w));
  const y1 = Math.min(img.height, Math.ceil(y + h));
  const cw = Math.max(1, x1 - x0);
  const ch = Math.max(1, y1 - y0);
  const png = new PNG({ width: cw, height: ch });
  for (let yy = 0; yy < ch; yy++) {
    const srcStart = ((y0 + yy) * img.width + x0) * 4;
    png.data.set(img.data.subarray(srcStart, srcStart + cw * 4), yy * cw * 4);
  }
  return new Uint8Array(PNG.sync.write(png));
}
