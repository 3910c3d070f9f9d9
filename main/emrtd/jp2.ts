import { createRequire } from 'node:module';
import { FormatError } from '../base/errors.js';
import { detectImageContainer, j2kCodestream } from './lds/image.js';

/**
 * JPEG 2000 decoding for display (DG2 faces are often JPEG 2000, which browsers cannot show).
 * Uses OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg): the .wasm ships inside
 * the npm package and is read from disk, so this works offline. The decoder is loaded lazily,
 * once, on first use. OpenJPEG's console output is discarded (standard output carries only the
 * CLI's JSON).
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, RGBA, row by row. */
  data: Uint8Array;
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete?(): void;
}
interface J2KEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  setQuality(lossless: boolean, quality: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  setDecompositions(n: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete?(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
  J2KEncoder: new () => J2KEncoder;
}

let modulePromise: Promise<OpenJpegModule> | undefined;

function loadOpenJpeg(): Promise<OpenJpegModule> {
  if (!modulePromise) {
    const require = createRequire(import.meta.url);
    const factory = require('@cornerstonejs/codec-openjpeg/wasmjs') as (opts: Record<string, unknown>) => Promise<OpenJpegModule>;
    const quiet = (): void => {};
    modulePromise = factory({ print: quiet, printErr: quiet });
  }
  return modulePromise;
}

/** Decodes a JPEG 2000 codestream or JP2 file to 8-bit RGBA. Throws FormatError on bad input. */
export async function decodeJpeg2000(bytes: Uint8Array): Promise<RgbaImage> {
  if (!detectImageContainer(bytes) || detectImageContainer(bytes) === 'jfif') throw new FormatError('IMAGE_UNKNOWN', 'not a JPEG 2000 image');
  const codestream = j2kCodestream(bytes);
  const m = await loadOpenJpeg();
  const dec = new m.J2KDecoder();
  try {
    dec.getEncodedBuffer(codestream.length).set(codestream);
    try {
      dec.decode();
    } catch (e) {
      throw new FormatError('IMAGE_BAD_J2K', 'JPEG 2000 decoding failed', {}, { cause: e });
    }
    const fi = dec.getFrameInfo();
    const raw = dec.getDecodedBuffer();
    const { width, height, componentCount: nc, bitsPerSample } = fi;
    if (width <= 0 || height <= 0 || nc < 1) throw new FormatError('IMAGE_BAD_J2K', 'JPEG 2000 image without pixels');
    const bytesPer = bitsPerSample > 8 ? 2 : 1;
    const shift = bitsPerSample > 8 ? bitsPerSample - 8 : 0;
    const n = width * height;
    if (raw.length < n * nc * bytesPer) throw new FormatError('IMAGE_BAD_J2K', 'JPEG 2000 decoder returned too few samples');
    const sample = (i: number): number => {
      if (bytesPer === 1) return raw[i] as number;
      const v = (raw[2 * i] as number) | ((raw[2 * i + 1] as number) << 8);
      return Math.min(255, v >> shift);
    };
    const out = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) {
      // Pixel-interleaved output: component c of pixel i at i * nc + c.
      const r = sample(i * nc);
      const g = nc >= 3 ? sample(i * nc + 1) : r;
      const b = nc >= 3 ? sample(i * nc + 2) : r;
      out[i * 4] = r;
      out[i * 4 + 1] = g;
      out[i * 4 + 2] = b;
      out[i * 4 + 3] = nc === 4 || nc === 2 ? sample(i * nc + nc - 1) : 255;
    }
    return { width, height, data: out };
  } finally {
    dec.delete?.();
  }
}

/** Encodes RGBA pixels as a lossy JPEG 2000 codestream (for test passports). */
export async function encodeJpeg2000(img: RgbaImage, opts: { compressionRatio?: number } = {}): Promise<Uint8Array> {
  const m = await loadOpenJpeg();
  const enc = new m.J2KEncoder();
  try {
    const buf = enc.getDecodedBuffer({ width: img.width, height: img.height, bitsPerSample: 8, componentCount: 3, isSigned: false, isUsingColorTransform: true });
    for (let i = 0, n = img.width * img.height; i < n; i++) {
      buf[i * 3] = img.data[i * 4] as number;
      buf[i * 3 + 1] = img.data[i * 4 + 1] as number;
      buf[i * 3 + 2] = img.data[i * 4 + 2] as number;
    }
    // OpenJPEG needs each resolution level to keep at least one pixel.
    enc.setDecompositions(Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(img.width, img.height))) - 3)));
    enc.setQuality(false, 0);
    enc.setCompressionRatio(0, opts.compressionRatio ?? 8);
    try {
      enc.encode();
    } catch (e) {
      throw new FormatError('IMAGE_ENCODE_FAILED', 'JPEG 2000 encoding failed', {}, { cause: e });
    }
    return Uint8Array.from(enc.getEncodedBuffer());
  } finally {
    enc.delete?.();
  }
}

/** Decodes a JPEG 2000 face and returns it as PNG bytes (pngjs), for display in the UI. */
export async function jpeg2000ToPng(bytes: Uint8Array): Promise<Uint8Array> {
  const img = await decodeJpeg2000(bytes);
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}
