import jpeg from 'jpeg-js';
import { encodeJpeg2000, type RgbaImage } from '../../emrtd/jp2.js';

/**
 * A synthetic ICAO-style portrait (plain background, head and shoulders, eyes at about the same
 * place as a real passport photo) drawn pixel by pixel, deterministic for a given seed. It is a
 * drawing, not a person: for test passports only. Encoded as a real baseline JPEG (jpeg-js) or
 * a real JPEG 2000 codestream (OpenJPEG), about 10-15 KB as on real chips.
 */
export interface FaceOptions {
  seed?: number;
  width?: number;
  height?: number;
  /** Amplitude of the sensor noise (default 18). */
  noise?: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) % 10000) / 10000;
  };
}

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
  return d;
}

export function drawPortrait(o: FaceOptions = {}): RgbaImage {
  const width = o.width ?? 240;
  const height = o.height ?? 320;
  const rnd = prng(o.seed ?? 1);
  const noise = o.noise ?? 18;
  const skin = [200 + Math.floor(rnd() * 40), 160 + Math.floor(rnd() * 40), 130 + Math.floor(rnd() * 30)];
  const hair = [30 + Math.floor(rnd() * 90), 20 + Math.floor(rnd() * 60), 10 + Math.floor(rnd() * 40)];
  const shirt = [40 + Math.floor(rnd() * 60), 50 + Math.floor(rnd() * 60), 90 + Math.floor(rnd() * 80)];
  const iris = [40 + Math.floor(rnd() * 60), 60 + Math.floor(rnd() * 60), 50 + Math.floor(rnd() * 60)];
  const data = new Uint8Array(width * height * 4);
  const cx = width / 2;
  const cy = height * 0.42;
  const rx = width * 0.24;
  const ry = height * 0.25;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Background: light grey-blue with a soft vertical gradient.
      let c = [214 - (y * 20) / height, 220 - (y * 15) / height, 228 - (y * 10) / height];
      // Shoulders.
      const sh = inEllipse(x, y, cx, height * 1.05, width * 0.55, height * 0.3);
      if (sh < 1) c = shirt.map((v) => v - 20 * sh);
      // Neck.
      if (Math.abs(x - cx) < width * 0.1 && y > cy + ry * 0.7 && y < height * 0.85) c = skin.map((v) => v - 25);
      // Hair behind the head.
      const hb = inEllipse(x, y, cx, cy - ry * 0.12, rx * 1.18, ry * 1.08);
      if (hb < 1 && y < cy + ry * 0.3) c = hair.map((v) => v + 25 * hb);
      // Face.
      const f = inEllipse(x, y, cx, cy, rx, ry);
      if (f < 1) {
        c = skin.map((v) => v - 35 * f * f);
        // Fringe.
        if (y < cy - ry * 0.55 + 8 * Math.sin(x / 9)) c = hair.map((v) => v + 10);
        // Eyes, brows.
        for (const ex of [cx - rx * 0.42, cx + rx * 0.42]) {
          const ey = cy - ry * 0.08;
          const e = inEllipse(x, y, ex, ey, rx * 0.2, ry * 0.07);
          if (e < 1) c = [235, 235, 230];
          if (inEllipse(x, y, ex, ey, rx * 0.08, ry * 0.065) < 1) c = iris;
          if (inEllipse(x, y, ex, ey, rx * 0.035, ry * 0.03) < 1) c = [15, 15, 15];
          const b = inEllipse(x, y, ex, ey - ry * 0.16, rx * 0.24, ry * 0.03);
          if (b < 1) c = hair.map((v) => v - 10);
        }
        // Nose shadow and mouth.
        if (Math.abs(x - cx - 3) < 3 && y > cy && y < cy + ry * 0.3) c = c.map((v) => v - 30);
        if (inEllipse(x, y, cx, cy + ry * 0.5, rx * 0.33, ry * 0.05) < 1) c = [170, 80, 80];
      }
      // Ears.
      for (const ex of [cx - rx, cx + rx]) if (inEllipse(x, y, ex, cy, rx * 0.12, ry * 0.18) < 1 && f >= 1) c = skin.map((v) => v - 20);
      // Sensor noise and lighting (a real photo is never flat: this also gives the JPEG a realistic size).
      const n = (rnd() - 0.5) * noise;
      const light = 1 - (0.12 * (x - cx)) / width;
      const i = (y * width + x) * 4;
      data[i] = Math.max(0, Math.min(255, c[0]! * light + n));
      data[i + 1] = Math.max(0, Math.min(255, c[1]! * light + n));
      data[i + 2] = Math.max(0, Math.min(255, c[2]! * light + n));
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

export function encodeJpeg(img: RgbaImage, quality = 50): Uint8Array {
  const out = jpeg.encode({ width: img.width, height: img.height, data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength) }, quality);
  return new Uint8Array(out.data);
}

/** A portrait as JPEG (about 12 KB) or JPEG 2000 codestream (about 12 KB). */
export async function makeFaceImage(format: 'jpeg' | 'jpeg2000', o: FaceOptions = {}): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  if (format === 'jpeg') {
    const img = drawPortrait(o);
    return { bytes: encodeJpeg(img, 80), width: img.width, height: img.height };
  }
  // The wasm OpenJPEG's rate control has little effect: the size is set by the picture instead
  // (smaller and without sensor noise, as JPEG 2000 chips' photos tend to be).
  const img = drawPortrait({ width: 160, height: 213, noise: 0, ...o });
  return { bytes: await encodeJpeg2000(img), width: img.width, height: img.height };
}
