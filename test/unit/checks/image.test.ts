import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentChecker, decodeImage, ImageError, type DocumentChecker } from '../../../main/checks/index.js';
import { decodeBlazeFace } from '../../../main/checks/face.js';
import { decodeLine, layoutFor, MRZ_ALPHABET } from '../../../main/checks/mrz-decode.js';
import { FIXTURES, MODELS_DIR } from './helpers.js';

function png(width: number, height: number, fill = 200, colorType: 0 | 2 | 6 = 6): Uint8Array {
  const p = new PNG({ width, height, colorType, inputColorType: 6 });
  p.data.fill(fill);
  return new Uint8Array(PNG.sync.write(p, { colorType, inputColorType: 6 }));
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    return (e as ImageError).code;
  }
  return 'no error';
}

describe('image decoding', () => {
  it('reads RGBA, grayscale PNG and JPEG', () => {
    const gray = decodeImage(new Uint8Array(readFileSync(path.join(FIXTURES, 'gray.png'))));
    expect([gray.width, gray.height, gray.data.length]).toEqual([1096, 800, 1096 * 800 * 4]);
    const j = decodeImage(new Uint8Array(readFileSync(path.join(FIXTURES, 'noisy.jpg'))));
    expect(j.width).toBe(1096);
    const small = jpeg.encode({ width: 40, height: 40, data: Buffer.alloc(40 * 40 * 4, 128) }, 80).data;
    expect(decodeImage(new Uint8Array(small)).height).toBe(40);
    expect(decodeImage(png(50, 60, 10, 0))).toMatchObject({ width: 50, height: 60 });
  });

  it('refuses non-images, truncated files, tiny and huge frames with typed errors', () => {
    expect(codeOf(() => decodeImage(new TextEncoder().encode('hello')))).toBe('IMAGE_UNSUPPORTED');
    expect(codeOf(() => decodeImage(new Uint8Array(0)))).toBe('IMAGE_UNSUPPORTED');
    const good = new Uint8Array(readFileSync(path.join(FIXTURES, 'good.png')));
    expect(codeOf(() => decodeImage(good.slice(0, 2000)))).toBe('IMAGE_CORRUPT');
    expect(codeOf(() => decodeImage(png(16, 16)))).toBe('IMAGE_TOO_SMALL');
    // a PNG header that claims 100000 x 100000 pixels is refused before any allocation
    const huge = png(40, 40).slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(codeOf(() => decodeImage(huge))).toBe('IMAGE_TOO_LARGE');
  });
});

describe('checks on odd inputs', () => {
  let checker: DocumentChecker;
  beforeAll(async () => {
    checker = await createDocumentChecker({ modelsDir: MODELS_DIR });
  });
  afterAll(async () => {
    await checker.close();
  });

  it('a non-image gives not-run IMAGE_UNREADABLE for every check, never a throw', async () => {
    const r = await checker.checkPage({ image: new TextEncoder().encode('%PDF-1.4'), scannerMrz: ['X'] });
    expect(r.mrz).toBeNull();
    expect(r.evidence).toHaveLength(9);
    expect(r.evidence.every((e) => e.status === 'not-run')).toBe(true);
    expect(r.evidence[0]).toMatchObject({ reasonCode: 'IMAGE_UNREADABLE', details: { imageError: 'IMAGE_UNSUPPORTED' } });
  });

  it('a blank frame and a tiny odd-sized image run through: blank, no face, no MRZ', async () => {
    const blank = await checker.checkPage({ image: png(333, 97, 230) });
    const ev = Object.fromEntries(blank.evidence.map((e) => [e.check, e]));
    expect(ev['image-sharpness']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_BLANK' });
    expect(ev['face-present']?.status).toBe('fail');
    expect(ev['mrz-ocr']).toMatchObject({ status: 'inconclusive', reasonCode: 'MRZ_NOT_FOUND' });
    const tiny = await checker.checkPage({ image: png(33, 47, 90, 2) });
    expect(tiny.evidence).toHaveLength(9);
  });

  it('a large page (upscaled 2x) still reads', async () => {
    const src = decodeImage(new Uint8Array(readFileSync(path.join(FIXTURES, 'good.png'))));
    const W = src.width * 2;
    const H = src.height * 2;
    const big = new PNG({ width: W, height: H });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const s = ((y >> 1) * src.width + (x >> 1)) * 4;
      big.data.set(src.data.subarray(s, s + 4), (y * W + x) * 4);
    }
    const r = await checker.checkPage({ image: new Uint8Array(PNG.sync.write(big)) });
    expect(r.mrz?.valid).toBe(true);
    expect(r.evidence.find((e) => e.check === 'image-crop')?.status).toBe('pass');
  });
});

describe('decoders', () => {
  it('constrains characters by ICAO position: O in a name, 0 in a date', () => {
    const K = MRZ_ALPHABET.length;
    const scores = new Float32Array(2 * K);
    const zero = MRZ_ALPHABET.indexOf('0');
    const oh = MRZ_ALPHABET.indexOf('O');
    // both cells look most like "0", a little like "O"
    for (const i of [0, 1]) {
      scores[i * K + zero] = 0.9;
      scores[i * K + oh] = 0.8;
    }
    const layout = layoutFor(2, 44)!;
    expect(decodeLine(scores, 2, layout[0]!.slice(5)).text).toBe('OO'); // name positions
    expect(decodeLine(scores, 2, layout[1]!.slice(13)).text).toBe('00'); // birth date positions
    expect(decodeLine(scores, 2, null).text).toBe('00');
    expect(layoutFor(3, 30)).not.toBeNull();
    expect(layoutFor(2, 40)).toBeNull();
  });

  it('decodes and blends BlazeFace anchors', () => {
    const s1 = new Float32Array(512).fill(-10);
    const s2 = new Float32Array(384).fill(-10);
    const b1 = new Float32Array(512 * 16);
    const b2 = new Float32Array(384 * 16);
    // cell (x 5, y 7) of the 16x16 grid, both anchors, a 32 px box
    for (const a of [0, 1]) {
      const idx = (7 * 16 + 5) * 2 + a;
      s1[idx] = 3;
      b1.set([2, -2, 32, 32], idx * 16);
    }
    const faces = decodeBlazeFace({ s1, s2, b1, b2 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.cx).toBeCloseTo(5.5 / 16 + 2 / 128, 5);
    expect(faces[0]!.cy).toBeCloseTo(7.5 / 16 - 2 / 128, 5);
    expect(faces[0]!.w).toBeCloseTo(0.25, 5);
    expect(faces[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
  });
});
