/**
 * Finds the machine readable zone on a data-page image and cuts it into character cells for the
 * OCR-B classifier (models/mrz-ocrb-v2.onnx).
 *
 *  1. dark (ink) pixels by a local-mean threshold on a lightly smoothed gray image;
 *  2. skew: the angle (-6°..6°) whose projection profile of ink is sharpest;
 *  3. text bands of the deskewed profile; the MRZ is the lowest group of 2 or 3 consecutive bands
 *     that are the widest on the page (nothing else on a data page spans 44 OCR-B characters);
 *  4. per line, a deskewed strip; the character count from the format (3 lines: TD1, 30; 2 lines:
 *     TD3, 44, or TD2, 36, by the line's length-to-height ratio); a fixed-pitch grid fitted to the
 *     gaps between glyphs;
 *  5. each cell resized to CELL_W x CELL_H, ink positive, mean removed, L2-normalised.
 */
import { sampleGray, type GrayImage } from './image.js';

export const CELL_W = 16;
export const CELL_H = 24;
export const CELL_SIZE = CELL_W * CELL_H;

export interface Quad {
  /** Corners in image pixels: top-left, top-right, bottom-right, bottom-left. */
  points: [number, number][];
}

export interface MrzLineCells {
  /** n cells of CELL_SIZE floats each. */
  cells: Float32Array;
  count: number;
  /** The line's box in the image the locator was given (deskewed coordinates turned back). */
  quad: Quad;
}

export interface MrzLocation {
  angleDeg: number;
  lines: MrzLineCells[];
  /** The whole zone. */
  quad: Quad;
  /** Line length to glyph height, used to tell TD3 from TD2. */
  aspect: number;
}

interface Band {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  ink: number;
}

function boxSmooth(img: GrayImage): Float32Array {
  const { width: W, height: H, data } = img;
  const tmp = new Float32Array(W * H);
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const o = y * W;
    for (let x = 0; x < W; x++) {
      const l = x > 0 ? x - 1 : x;
      const r = x < W - 1 ? x + 1 : x;
      tmp[o + x] = ((data[o + l] as number) + (data[o + x] as number) + (data[o + r] as number)) / 3;
    }
  }
  for (let y = 0; y < H; y++) {
    const u = (y > 0 ? y - 1 : y) * W;
    const o = y * W;
    const d = (y < H - 1 ? y + 1 : y) * W;
    for (let x = 0; x < W; x++) out[o + x] = ((tmp[u + x] as number) + (tmp[o + x] as number) + (tmp[d + x] as number)) / 3;
  }
  return out;
}

/** Ink mask: darker than the local mean (window 2r+1) by `contrast`. */
function inkMask(s: Float32Array, W: number, H: number, r: number, contrast: number, minMean: number): Uint8Array {
  const sat = new Float64Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += s[y * W + x] as number;
      sat[(y + 1) * (W + 1) + x + 1] = (sat[y * (W + 1) + x + 1] as number) + row;
    }
  }
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(W, x + r + 1);
      const sum = (sat[y1 * (W + 1) + x1] as number) - (sat[y0 * (W + 1) + x1] as number) - (sat[y1 * (W + 1) + x0] as number) + (sat[y0 * (W + 1) + x0] as number);
      const mean = sum / ((x1 - x0) * (y1 - y0));
      if (mean > minMean && (s[y * W + x] as number) < mean - contrast) mask[y * W + x] = 1;
    }
  }
  return mask;
}

function profileScore(xs: Int32Array, ys: Int32Array, n: number, angle: number, H: number, W: number): number {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const off = W + 2;
  const hist = new Float64Array(H + 2 * off + 4);
  for (let i = 0; i < n; i++) {
    const yr = -(xs[i] as number) * s + (ys[i] as number) * c;
    const b = Math.round(yr) + off;
    hist[b] = (hist[b] as number) + 1;
  }
  let sc = 0;
  for (const v of hist) sc += v * v;
  return sc;
}

function findBands(profile: Float64Array, minRows: number): { y0: number; y1: number }[] {
  let max = 0;
  for (const v of profile) max = Math.max(max, v);
  const thr = Math.max(2, max * 0.06);
  const bands: { y0: number; y1: number }[] = [];
  let start = -1;
  for (let y = 0; y <= profile.length; y++) {
    const on = y < profile.length && (profile[y] as number) >= thr;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      if (y - start >= minRows) bands.push({ y0: start, y1: y });
      start = -1;
    }
  }
  return bands;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] as number;
}

/** Locates the MRZ. Returns null when no MRZ-like block of 2 or 3 long lines is found. */
export function locateMrz(img: GrayImage): MrzLocation | null {
  const { width: W, height: H } = img;
  const s = boxSmooth(img);
  // paper white: the 95th percentile; ink only where the neighbourhood is mostly paper (not the
  // dark scanner bed around the page, whose edge would otherwise look like a long line of ink)
  const sample: number[] = [];
  for (let i = 0; i < s.length; i += 97) sample.push(s[i] as number);
  sample.sort((a, b) => a - b);
  const white = quantile(sample, 0.95);
  const mask = inkMask(s, W, H, 15, Math.max(0.04, 0.1 * white), 0.62 * white);
  // ink pixel coordinates (subsampled when very many)
  let count = 0;
  for (const v of mask) count += v;
  if (count < 200) return null;
  const stride = Math.max(1, Math.floor(count / 40_000));
  const xs = new Int32Array(Math.ceil(count / stride) + 1);
  const ys = new Int32Array(xs.length);
  let n = 0;
  let k = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!mask[y * W + x]) continue;
      if (k++ % stride === 0) {
        xs[n] = x;
        ys[n] = y;
        n++;
      }
    }
  }
  // skew: coarse then fine
  let best = 0;
  let bestScore = -1;
  for (let a = -6; a <= 6.0001; a += 0.5) {
    const sc = profileScore(xs, ys, n, (a * Math.PI) / 180, H, W);
    if (sc > bestScore) {
      bestScore = sc;
      best = a;
    }
  }
  const coarse = best;
  for (let a = coarse - 0.5; a <= coarse + 0.5001; a += 0.1) {
    const sc = profileScore(xs, ys, n, (a * Math.PI) / 180, H, W);
    if (sc > bestScore) {
      bestScore = sc;
      best = a;
    }
  }
  const th = (best * Math.PI) / 180;
  const c = Math.cos(th);
  const si = Math.sin(th);
  // deskewed profile over all ink pixels
  const off = W + 2;
  const profile = new Float64Array(H + 2 * off + 4);
  for (let i = 0; i < n; i++) {
    const yr = Math.round(-(xs[i] as number) * si + (ys[i] as number) * c) + off;
    profile[yr] = (profile[yr] as number) + 1;
  }
  const rawBands = findBands(profile, 4);
  if (rawBands.length === 0) return null;
  // horizontal extent of each band (rotated x), 1st..99th percentile of its ink
  const perBand: number[][] = rawBands.map(() => []);
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    const yr = Math.round(-x * si + y * c) + off;
    // binary search the band
    let lo = 0;
    let hi = rawBands.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = rawBands[mid] as { y0: number; y1: number };
      if (yr < b.y0) hi = mid - 1;
      else if (yr >= b.y1) lo = mid + 1;
      else {
        (perBand[mid] as number[]).push(x * c + y * si);
        break;
      }
    }
  }
  const bands: Band[] = rawBands.map((b, i) => {
    const xsr = (perBand[i] as number[]).sort((a, b2) => a - b2);
    return { y0: b.y0 - off, y1: b.y1 - off, x0: quantile(xsr, 0.01), x1: quantile(xsr, 0.99), ink: xsr.length };
  });
  const maxExtent = Math.max(...bands.map((b) => b.x1 - b.x0));
  if (maxExtent < 40) return null;
  const isLong = (b: Band): boolean => {
    const ext = b.x1 - b.x0;
    const h = b.y1 - b.y0;
    return ext >= 0.8 * maxExtent && ext / Math.max(1, h) > 18 && b.ink / ext > 0.8;
  };
  // lowest group of consecutive long bands
  let group: Band[] = [];
  for (let i = bands.length - 1; i >= 0; i--) {
    const b = bands[i] as Band;
    if (isLong(b)) {
      const prev = group[group.length - 1];
      if (prev && prev.y0 - b.y1 > 3 * (prev.y1 - prev.y0)) break;
      group.push(b);
      if (group.length === 3) break;
    } else if (group.length > 0) break;
  }
  if (group.length < 2) return null;
  group = group.reverse();
  const heights = group.map((b) => b.y1 - b.y0).sort((a, b) => a - b);
  const hMed = heights[Math.floor(heights.length / 2)] as number;
  const extMed = group.map((b) => b.x1 - b.x0).sort((a, b) => a - b)[Math.floor(group.length / 2)] as number;
  const aspect = extMed / Math.max(1, hMed);
  const toImage = (xr: number, yr: number): [number, number] => [xr * c - yr * si, xr * si + yr * c];
  const strips = group.map((b) => cutStrip(img, b, toImage));
  if (strips.some((st) => st === null)) return null;
  const ok = strips as Strip[];
  // characters per line from the pitch (the same 2.54 mm in every format)
  const est = ok.reduce((acc, st) => acc + (st.R - st.L + 1) / st.pitch, 0) / ok.length;
  const allowed = group.length === 3 ? [30] : [44, 36];
  const chars = allowed.reduce((a, b) => (Math.abs(b - est - 0.7) < Math.abs(a - est - 0.7) ? b : a));
  if (Math.abs(chars - est - 0.7) > chars * 0.15) return null;
  const lines: MrzLineCells[] = ok.map((st) => cutCells(st, chars, toImage));
  const first = group[0] as Band;
  const last = group[group.length - 1] as Band;
  const x0 = Math.min(...group.map((b) => b.x0)) - 4;
  const x1 = Math.max(...group.map((b) => b.x1)) + 4;
  return {
    angleDeg: best,
    lines,
    aspect,
    quad: { points: [toImage(x0, first.y0 - 4), toImage(x1, first.y0 - 4), toImage(x1, last.y1 + 4), toImage(x0, last.y1 + 4)] },
  };
}

interface Strip {
  strip: Float32Array;
  SW: number;
  SH: number;
  sx0: number;
  sy0: number;
  col: Float64Array;
  top: number;
  bottom: number;
  L: number;
  R: number;
  pitch: number;
}

function cutStrip(img: GrayImage, b: Band, toImage: (xr: number, yr: number) => [number, number]): Strip | null {
  const padY = Math.round((b.y1 - b.y0) * 0.5) + 2;
  const padX = Math.round((b.y1 - b.y0) * 1.5) + 2;
  const sx0 = Math.floor(b.x0 - padX);
  const sy0 = Math.floor(b.y0 - padY);
  const SW = Math.ceil(b.x1 - b.x0) + 2 * padX;
  const SH = b.y1 - b.y0 + 2 * padY;
  if (SW < 60 || SH < 6) return null;
  const strip = new Float32Array(SW * SH);
  const [ox, oy] = toImage(sx0, sy0);
  const [ux, uy] = toImage(sx0 + 1, sy0);
  const [vx, vy] = toImage(sx0, sy0 + 1);
  const dux = ux - ox;
  const duy = uy - oy;
  const dvx = vx - ox;
  const dvy = vy - oy;
  for (let v = 0; v < SH; v++) {
    for (let u = 0; u < SW; u++) {
      strip[v * SW + u] = 1 - sampleGray(img, ox + u * dux + v * dvx, oy + u * duy + v * dvy); // ink positive
    }
  }
  // threshold halfway between paper and ink levels of the strip
  const sorted = strip.slice().sort();
  const paper = sorted[Math.floor(0.3 * (sorted.length - 1))] as number;
  const ink = sorted[Math.floor(0.985 * (sorted.length - 1))] as number;
  if (ink - paper < 0.08) return null;
  const thr = (paper + ink) / 2;
  const col = new Float64Array(SW);
  const row = new Float64Array(SH);
  for (let v = 0; v < SH; v++) {
    for (let u = 0; u < SW; u++) {
      const on = (strip[v * SW + u] as number) > thr ? 1 : 0;
      col[u] = (col[u] as number) + on;
      row[v] = (row[v] as number) + on;
    }
  }
  // vertical extent: rows with ink, the run around the band's centre
  const rowMax = Math.max(...row);
  let top = Math.floor(SH / 2);
  let bottom = top;
  while (top > 0 && (row[top - 1] as number) > rowMax * 0.04) top--;
  while (bottom < SH - 1 && (row[bottom + 1] as number) > rowMax * 0.04) bottom++;
  bottom += 1;
  if (bottom - top < 5) return null;
  // horizontal extent: first and last columns with ink (ignoring specks)
  let L = 0;
  let R = SW - 1;
  while (L < SW && (col[L] as number) < 2) L++;
  while (R > L && (col[R] as number) < 2) R--;
  const h = bottom - top;
  if (R - L < 10 * h) return null;
  // pitch: the strongest autocorrelation lag of the column profile between 0.5 and 1.4 glyph heights
  let mean = 0;
  for (let u = L; u <= R; u++) mean += col[u] as number;
  mean /= R - L + 1;
  let bestLag = h;
  let bestAc = -Infinity;
  const ac = (lag: number): number => {
    let acc = 0;
    for (let u = L; u + lag <= R; u++) acc += ((col[u] as number) - mean) * ((col[u + lag] as number) - mean);
    return acc / (R - L + 1 - lag);
  };
  const acs = new Map<number, number>();
  for (let lag = Math.max(3, Math.floor(h * 0.5)); lag <= Math.ceil(h * 1.4); lag++) {
    const v = ac(lag);
    acs.set(lag, v);
    if (v > bestAc) {
      bestAc = v;
      bestLag = lag;
    }
  }
  // sub-pixel peak by a parabola through the neighbours
  const am = acs.get(bestLag - 1) ?? ac(bestLag - 1);
  const ap = acs.get(bestLag + 1) ?? ac(bestLag + 1);
  const denom = am - 2 * bestAc + ap;
  const pitch = bestLag + (denom < 0 ? (0.5 * (am - ap)) / denom : 0);
  return { strip, SW, SH, sx0, sy0, col, top, bottom, L, R, pitch };
}

function cutCells(st: Strip, chars: number, toImage: (xr: number, yr: number) => [number, number]): MrzLineCells {
  const { strip, SW, SH, sx0, sy0, col, top, bottom, L, R } = st;
  // pitch: the autocorrelation estimate, kept consistent with the ink extent
  let p = st.pitch;
  const extPitch = (R - L + 1) / (chars - 0.25);
  if (Math.abs(p - extPitch) > 0.08 * extPitch) p = extPitch;
  // phase of the glyph centres: circular mean of the ink columns
  let sn = 0;
  let cs = 0;
  for (let u = L; u <= R; u++) {
    const w = col[u] as number;
    sn += w * Math.sin((2 * Math.PI * u) / p);
    cs += w * Math.cos((2 * Math.PI * u) / p);
  }
  const phase = ((Math.atan2(sn, cs) / (2 * Math.PI)) * p + p) % p;
  let c0 = phase + Math.round((L + 0.45 * p - phase) / p) * p;
  let step = p;
  // refine: least-squares line through the ink centroids of the cells, twice
  for (let iter = 0; iter < 3; iter++) {
    let n = 0;
    let si = 0;
    let sm = 0;
    let sii = 0;
    let sim = 0;
    for (let i = 0; i < chars; i++) {
      const c = c0 + i * step;
      let mass = 0;
      let mom = 0;
      for (let u = Math.max(0, Math.ceil(c - step / 2)); u <= Math.min(SW - 1, Math.floor(c + step / 2)); u++) {
        mass += col[u] as number;
        mom += (col[u] as number) * u;
      }
      if (mass < 2) continue;
      const m = mom / mass;
      n++;
      si += i;
      sm += m;
      sii += i * i;
      sim += i * m;
    }
    const den = n * sii - si * si;
    if (n < chars / 2 || den === 0) break;
    const b = (n * sim - si * sm) / den;
    const a = (sm - b * si) / n;
    if (Math.abs(b - p) > 0.1 * p) break;
    c0 = a;
    step = b;
  }
  const cells = new Float32Array(chars * CELL_SIZE);
  const ch = bottom - top;
  for (let i = 0; i < chars; i++) {
    const c = c0 + i * step;
    extractCell(strip, SW, SH, c - step / 2, top - ch * 0.08, c + step / 2, bottom + ch * 0.08, cells.subarray(i * CELL_SIZE, (i + 1) * CELL_SIZE));
  }
  const x0 = sx0 + c0 - step / 2;
  const x1 = sx0 + c0 + (chars - 0.5) * step;
  const y0 = sy0 + top;
  const y1 = sy0 + bottom;
  return { cells, count: chars, quad: { points: [toImage(x0, y0), toImage(x1, y0), toImage(x1, y1), toImage(x0, y1)] } };
}

/** Area-samples the box into CELL_W x CELL_H, removes the mean and L2-normalises. */
function extractCell(strip: Float32Array, SW: number, SH: number, x0: number, y0: number, x1: number, y1: number, out: Float32Array): void {
  const img: GrayImage = { width: SW, height: SH, data: strip };
  const sx = (x1 - x0) / CELL_W;
  const sy = (y1 - y0) / CELL_H;
  const sub = 3;
  let mean = 0;
  for (let v = 0; v < CELL_H; v++) {
    for (let u = 0; u < CELL_W; u++) {
      let acc = 0;
      for (let a = 0; a < sub; a++) {
        for (let b = 0; b < sub; b++) acc += sampleGray(img, x0 + (u + (b + 0.5) / sub) * sx - 0.5, y0 + (v + (a + 0.5) / sub) * sy - 0.5);
      }
      const val = acc / (sub * sub);
      out[v * CELL_W + u] = val;
      mean += val;
    }
  }
  mean /= CELL_SIZE;
  let norm = 0;
  for (let i = 0; i < CELL_SIZE; i++) {
    const v = (out[i] as number) - mean;
    out[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < CELL_SIZE; i++) out[i] = (out[i] as number) / norm;
}
