/**
 * Synthetic passport data pages (ICAO 9303 TD3 layout, 125 x 88 mm) as a document scanner would
 * image them: the page on the scanner's dark bed, an OCR-B MRZ (Debian's fonts-ocr-b), a drawn
 * portrait, printed visual-zone text, and optional defects (blur, glare, under/over exposure,
 * noise, rotation, perspective, a page cut off by the frame, no portrait). Every page comes with
 * its label: the MRZ printed, the defects applied and where the page, portrait and MRZ lie.
 *
 * Deterministic for a given seed. Rendering uses @napi-rs/canvas (Skia, prebuilt binary from npm);
 * pixel-level defects (blur, perspective, noise) are applied in plain TypeScript.
 */
import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { buildTd3, type Td3Fields } from './mrz-build.js';
import { seededRandom } from '../../base/random.js';

export const OCRB_FONT_PATHS = ['/usr/share/fonts/opentype/ocr-b/OCRB.otf', '/usr/share/fonts/truetype/ocr-b/OCRB.ttf'];
const VIZ_FONT_PATHS = [
  '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
];

let fontsReady = false;
function registerFonts(): void {
  if (fontsReady) return;
  const ocrb = OCRB_FONT_PATHS.find((p) => existsSync(p));
  if (!ocrb) throw new Error('OCR-B font not found: install the Debian package fonts-ocr-b (scripts/setup.sh)');
  GlobalFonts.registerFromPath(ocrb, 'OCRB');
  const viz = VIZ_FONT_PATHS.find((p) => existsSync(p));
  if (viz) GlobalFonts.registerFromPath(viz, 'VizSans');
  fontsReady = true;
}

/** A small deterministic PRNG (mulberry32). */
export const rng = seededRandom;

export type SkinTone = 'I' | 'II' | 'III' | 'IV' | 'V' | 'VI';
/** Fitzpatrick-like skin tones for the drawn portraits (a synthetic stand-in, not real people). */
export const SKIN_TONES: Record<SkinTone, string> = {
  I: '#f6d7c3',
  II: '#eac0a0',
  III: '#d5a27e',
  IV: '#b07a52',
  V: '#7f5234',
  VI: '#4a2f1f',
};

export interface PageDefects {
  /** Gaussian-like blur, sigma in scene pixels. */
  blur?: number;
  /** A specular glare spot: centre as page fractions, radius as a fraction of page width, peak 0..1. */
  glare?: { x: number; y: number; r: number; strength: number };
  /** Multiplies brightness (0.25 = very dark, 1.8 = washed out). */
  gain?: number;
  /** Gaussian noise sigma in 8-bit levels. */
  noise?: number;
  /** In-plane rotation, degrees. */
  rotationDeg?: number;
  /** Keystone: 0..0.1, the top edge shrunk by this fraction of the width. */
  perspective?: number;
  /** The page shifted past the frame: which side and the fraction of the page cut off. */
  crop?: { side: 'left' | 'right' | 'top' | 'bottom'; fraction: number };
  /** No portrait printed (blank photo area). */
  noFace?: boolean;
  /** JPEG quality instead of PNG (0..100). */
  jpegQuality?: number;
  /** Grayscale scanner (single channel PNG). */
  grayscale?: boolean;
}

export interface PageSpec {
  seed: number;
  fields: Td3Fields;
  skinTone: SkinTone;
  /** Pixels per millimetre of the page (8 ≈ 203 dpi). */
  pxPerMm?: number;
  defects?: PageDefects;
  /** Print these MRZ lines instead of the ones built from fields (tampered or wrong MRZ). */
  mrzOverride?: [string, string];
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PageLabel {
  seed: number;
  format: 'TD3';
  /** The MRZ lines printed on the page. */
  mrz: [string, string];
  fields: Td3Fields;
  skinTone: SkinTone;
  defects: PageDefects;
  /** Ground truth for the checks: what a correct checker should say. */
  expect: { quality: 'pass' | 'fail'; qualityReasons: string[]; face: 'pass' | 'fail' };
  /** Axis-aligned boxes in image pixels (before rotation/perspective they are exact, after approximate). */
  regions: { page: Box; portrait: Box; mrz: Box };
  width: number;
  height: number;
  mime: 'image/png' | 'image/jpeg';
}

export interface GeneratedPage {
  image: Uint8Array;
  label: PageLabel;
}

const SURNAMES = ['ERIKSSON', 'MUSTERMANN', 'OKAFOR', 'NGUYEN', 'GARCIA LOPEZ', 'SMITH', 'KOWALSKA', 'TANAKA', 'DUBOIS', 'OLUWASEUN', 'HAMALAINEN', 'VAN DER BERG', 'ROSSI', 'SILVA', 'MOHAMMED', 'ANDERSEN'];
const GIVEN = ['ANNA MARIA', 'JOHN', 'CHIDI', 'MINH ANH', 'SOFIA', 'PETER JAMES', 'AGNIESZKA', 'HIROSHI', 'CLAIRE', 'TUNDE', 'AINO', 'WILLEM', 'GIULIA', 'JOAO PEDRO', 'FATIMA', 'LARS'];
const STATES = ['UTO', 'D<<', 'NLD', 'FRA', 'GBR', 'SWE', 'NGA', 'JPN', 'POL', 'ITA', 'FIN', 'BRA'];
const DOC_ALNUM = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function yymmdd(r: () => number, y0: number, y1: number): string {
  const y = y0 + Math.floor(r() * (y1 - y0 + 1));
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  return `${String(y % 100).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

/** Random but plausible TD3 fields. */
export function randomFields(r: () => number): Td3Fields {
  let doc = '';
  const n = 8 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) doc += DOC_ALNUM[Math.floor(r() * DOC_ALNUM.length)];
  const state = pick(r, STATES);
  const pn = r() < 0.4 ? String(Math.floor(r() * 1e10)).padStart(10, '0') : '';
  return {
    documentCode: r() < 0.8 ? 'P' : 'PD',
    issuingState: state,
    surname: pick(r, SURNAMES),
    givenNames: pick(r, GIVEN),
    documentNumber: doc,
    nationality: state,
    birthDate: yymmdd(r, 1940, 2015),
    sex: pick(r, ['M', 'F', '<'] as const),
    expiryDate: yymmdd(r, 2026, 2036),
    personalNumber: pn,
  };
}

// ---------------------------------------------------------------------------------------------
// Drawing

function drawGuilloche(ctx: SKRSContext2D, w: number, h: number, r: () => number): void {
  const g = ctx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, '#eef3ee');
  g.addColorStop(0.5, '#f3eee6');
  g.addColorStop(1, '#e9eef5');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  ctx.lineWidth = 0.8;
  const phase = r() * 6.28;
  for (let k = 0; k < 18; k++) {
    ctx.strokeStyle = k % 2 ? 'rgba(120,160,140,0.18)' : 'rgba(170,130,150,0.16)';
    ctx.beginPath();
    for (let x = 0; x <= w; x += 4) {
      const y = h * 0.08 + (k * h) / 20 + 6 * Math.sin(x / 37 + phase + k) + 4 * Math.sin(x / 11 + k * 0.7);
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}

function shade(hex: string, f: number): string {
  const n = parseInt(hex.slice(1), 16);
  const c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.max(0, Math.min(255, Math.round(v * f))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** A drawn frontal portrait filling box b (a synthetic face: head, hair, eyes, brows, nose, mouth). */
function drawPortrait(ctx: SKRSContext2D, b: Box, tone: SkinTone, r: () => number): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(b.x, b.y, b.w, b.h);
  ctx.clip();
  const bg = ctx.createLinearGradient(b.x, b.y, b.x, b.y + b.h);
  bg.addColorStop(0, '#dfe6ec');
  bg.addColorStop(1, '#c9d3dc');
  ctx.fillStyle = bg;
  ctx.fillRect(b.x, b.y, b.w, b.h);
  const skin = SKIN_TONES[tone];
  const cx = b.x + b.w * (0.5 + (r() - 0.5) * 0.04);
  const cy = b.y + b.h * 0.46;
  const hw = b.w * (0.3 + r() * 0.03); // half width of the head
  const hh = hw * 1.32;
  // shoulders and neck
  ctx.fillStyle = pick(r, ['#2d3a4a', '#3b2f2f', '#1f2b24', '#4a4a55']);
  ctx.beginPath();
  ctx.ellipse(cx, b.y + b.h * 1.02, b.w * 0.55, b.h * 0.2, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = shade(skin, 0.85);
  ctx.fillRect(cx - hw * 0.42, cy + hh * 0.6, hw * 0.84, hh * 0.55);
  // ears
  ctx.fillStyle = shade(skin, 0.92);
  for (const s of [-1, 1]) {
    ctx.beginPath();
    ctx.ellipse(cx + s * hw * 0.98, cy + hh * 0.02, hw * 0.14, hh * 0.2, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  // head with soft shading
  const hg = ctx.createRadialGradient(cx - hw * 0.2, cy - hh * 0.2, hw * 0.1, cx, cy, hh * 1.05);
  hg.addColorStop(0, shade(skin, 1.08));
  hg.addColorStop(0.7, skin);
  hg.addColorStop(1, shade(skin, 0.78));
  ctx.fillStyle = hg;
  ctx.beginPath();
  ctx.ellipse(cx, cy, hw, hh, 0, 0, Math.PI * 2);
  ctx.fill();
  // hair
  const hair = pick(r, ['#1b1410', '#3a2618', '#6b4a2b', '#a07a4a', '#2a2a2a', '#777068']);
  ctx.fillStyle = hair;
  ctx.beginPath();
  ctx.ellipse(cx, cy - hh * 0.55, hw * 1.04, hh * 0.55, 0, Math.PI, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.ellipse(cx, cy - hh * 0.55, hw * 1.04, hh * 0.2, 0, 0, Math.PI);
  ctx.fill();
  // eyebrows
  ctx.strokeStyle = shade(hair, 0.9);
  ctx.lineCap = 'round';
  ctx.lineWidth = Math.max(2, hh * 0.045);
  const eyeY = cy - hh * 0.08;
  const eyeDx = hw * 0.4;
  for (const s of [-1, 1]) {
    ctx.beginPath();
    ctx.moveTo(cx + s * eyeDx - hw * 0.2, eyeY - hh * 0.12);
    ctx.quadraticCurveTo(cx + s * eyeDx, eyeY - hh * 0.17, cx + s * eyeDx + hw * 0.2, eyeY - hh * 0.11);
    ctx.stroke();
  }
  // eyes
  for (const s of [-1, 1]) {
    const ex = cx + s * eyeDx;
    ctx.fillStyle = shade(skin, 0.8);
    ctx.beginPath();
    ctx.ellipse(ex, eyeY - hh * 0.01, hw * 0.2, hh * 0.07, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#f4f1ec';
    ctx.beginPath();
    ctx.ellipse(ex, eyeY, hw * 0.17, hh * 0.05, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = pick(r, ['#3b2a1a', '#2f4f6f', '#4a3b22', '#1f1f1f']);
    ctx.beginPath();
    ctx.arc(ex, eyeY, hh * 0.045, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#050505';
    ctx.beginPath();
    ctx.arc(ex, eyeY, hh * 0.02, 0, Math.PI * 2);
    ctx.fill();
    ctx.strokeStyle = '#201510';
    ctx.lineWidth = Math.max(1.5, hh * 0.02);
    ctx.beginPath();
    ctx.ellipse(ex, eyeY + hh * 0.005, hw * 0.17, hh * 0.055, 0, Math.PI * 1.05, Math.PI * 1.95);
    ctx.stroke();
  }
  // nose
  ctx.strokeStyle = shade(skin, 0.7);
  ctx.lineWidth = Math.max(1.5, hh * 0.02);
  ctx.beginPath();
  ctx.moveTo(cx - hw * 0.02, eyeY + hh * 0.05);
  ctx.quadraticCurveTo(cx - hw * 0.1, eyeY + hh * 0.28, cx - hw * 0.03, eyeY + hh * 0.32);
  ctx.stroke();
  ctx.fillStyle = shade(skin, 0.6);
  for (const s of [-1, 1]) {
    ctx.beginPath();
    ctx.ellipse(cx + s * hw * 0.1, eyeY + hh * 0.33, hw * 0.05, hh * 0.018, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  // mouth
  const my = cy + hh * 0.45;
  ctx.fillStyle = shade(tone === 'V' || tone === 'VI' ? '#6a3a30' : '#b5625a', 1);
  ctx.beginPath();
  ctx.ellipse(cx, my, hw * 0.3, hh * 0.055, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = shade(skin, 0.45);
  ctx.lineWidth = Math.max(1.5, hh * 0.015);
  ctx.beginPath();
  ctx.moveTo(cx - hw * 0.3, my);
  ctx.quadraticCurveTo(cx, my + hh * 0.02, cx + hw * 0.3, my);
  ctx.stroke();
  ctx.restore();
}

function vizText(ctx: SKRSContext2D, s: number, f: Td3Fields): void {
  ctx.fillStyle = '#1d2a3a';
  ctx.textBaseline = 'alphabetic';
  const label = (t: string, x: number, y: number): void => {
    ctx.font = `${Math.round(1.6 * s)}px VizSans`;
    ctx.fillStyle = '#5a6a7a';
    ctx.fillText(t, x * s, y * s);
  };
  const value = (t: string, x: number, y: number): void => {
    ctx.font = `${Math.round(2.6 * s)}px VizSans`;
    ctx.fillStyle = '#15202c';
    ctx.fillText(t, x * s, y * s);
  };
  ctx.font = `bold ${Math.round(3.4 * s)}px VizSans`;
  ctx.fillStyle = '#2a3d52';
  ctx.fillText('PASSPORT / PASSEPORT', 44 * s, 9 * s);
  label('Type / Type', 44, 14);
  value(f.documentCode, 44, 17);
  label('Code / Code', 60, 14);
  value(f.issuingState.replace(/</g, ''), 60, 17);
  label('Passport No.', 82, 14);
  value(f.documentNumber, 82, 17);
  label('Surname / Nom', 44, 22);
  value(f.surname, 44, 25.5);
  label('Given names / Prénoms', 44, 30);
  value(f.givenNames, 44, 33.5);
  label('Nationality', 44, 38);
  value(f.nationality.replace(/</g, ''), 44, 41.5);
  label('Date of birth', 44, 46);
  value(`${f.birthDate.slice(4)}.${f.birthDate.slice(2, 4)}.${f.birthDate.slice(0, 2)}`, 44, 49.5);
  label('Sex', 80, 46);
  value(f.sex === '<' ? 'X' : f.sex, 80, 49.5);
  label('Date of expiry', 44, 54);
  value(`${f.expiryDate.slice(4)}.${f.expiryDate.slice(2, 4)}.${f.expiryDate.slice(0, 2)}`, 44, 57.5);
}

// ---------------------------------------------------------------------------------------------
// Pixel operations on RGBA buffers

function boxBlurH(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const d = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < 4; c++) {
      let acc = 0;
      const row = y * w;
      for (let i = -r; i <= r; i++) acc += src[(row + Math.min(w - 1, Math.max(0, i))) * 4 + c] as number;
      for (let x = 0; x < w; x++) {
        dst[(row + x) * 4 + c] = acc / d;
        const add = Math.min(w - 1, x + r + 1);
        const sub = Math.max(0, x - r);
        acc += (src[(row + add) * 4 + c] as number) - (src[(row + sub) * 4 + c] as number);
      }
    }
  }
}

function boxBlurV(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const d = 2 * r + 1;
  for (let x = 0; x < w; x++) {
    for (let c = 0; c < 4; c++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += src[(Math.min(h - 1, Math.max(0, i)) * w + x) * 4 + c] as number;
      for (let y = 0; y < h; y++) {
        dst[(y * w + x) * 4 + c] = acc / d;
        const add = Math.min(h - 1, y + r + 1);
        const sub = Math.max(0, y - r);
        acc += (src[(add * w + x) * 4 + c] as number) - (src[(sub * w + x) * 4 + c] as number);
      }
    }
  }
}

/** Gaussian blur approximated by three box blurs. */
export function blurRgba(px: Uint8ClampedArray, w: number, h: number, sigma: number): void {
  if (sigma <= 0.3) return;
  const r = Math.max(1, Math.round(Math.sqrt((12 * sigma * sigma) / 3 + 1) / 2));
  const a = new Float32Array(px.length);
  const b = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) a[i] = px[i] as number;
  for (let k = 0; k < 3; k++) {
    boxBlurH(a, b, w, h, r);
    boxBlurV(b, a, w, h, r);
  }
  for (let i = 0; i < px.length; i++) px[i] = a[i] as number;
}

/** Keystone warp: the top edge narrower by `k` of the width (bilinear inverse mapping). */
function perspectiveRgba(px: Uint8ClampedArray, w: number, h: number, k: number, bed: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(px.length);
  for (let y = 0; y < h; y++) {
    const t = 1 - y / (h - 1); // 1 at the top
    const shrink = 1 - k * t;
    for (let x = 0; x < w; x++) {
      const sx = (x - w / 2) / shrink + w / 2;
      const sy = y;
      const o = (y * w + x) * 4;
      if (sx < 0 || sx > w - 1) {
        out[o] = out[o + 1] = out[o + 2] = bed;
        out[o + 3] = 255;
        continue;
      }
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const x1 = Math.min(w - 1, x0 + 1);
      for (let c = 0; c < 4; c++) {
        out[o + c] = (px[(sy * w + x0) * 4 + c] as number) * (1 - fx) + (px[(sy * w + x1) * 4 + c] as number) * fx;
      }
    }
  }
  return out;
}

function gaussian(r: () => number): number {
  const u = Math.max(1e-9, r());
  const v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// ---------------------------------------------------------------------------------------------

/** Renders one data page as the scanner would image it, with its label. */
export function renderPage(spec: PageSpec): GeneratedPage {
  registerFonts();
  const r = rng(spec.seed);
  const d = spec.defects ?? {};
  const s = spec.pxPerMm ?? 8;
  const pw = Math.round(125 * s);
  const ph = Math.round(88 * s);
  const margin = Math.round(6 * s);
  const W = pw + 2 * margin;
  const H = ph + 2 * margin;
  const bed = 28;

  // 1. the page itself
  const page = createCanvas(pw, ph);
  const pc = page.getContext('2d');
  drawGuilloche(pc, pw, ph, r);
  const portrait: Box = { x: Math.round(5 * s), y: Math.round(12 * s), w: Math.round(35 * s), h: Math.round(45 * s) };
  if (!d.noFace) drawPortrait(pc, portrait, spec.skinTone, r);
  else {
    pc.fillStyle = '#e4e9ee';
    pc.fillRect(portrait.x, portrait.y, portrait.w, portrait.h);
  }
  vizText(pc, s, spec.fields);
  const mrz = spec.mrzOverride ?? buildTd3(spec.fields);
  // OCR-B size 10: 2.54 mm pitch; fit 44 characters into 111.76 mm.
  pc.font = `100px OCRB`;
  const adv = pc.measureText('<'.repeat(44)).width / 44;
  const pitch = 2.54 * s;
  const fontPx = (100 * pitch) / adv;
  pc.font = `${fontPx.toFixed(2)}px OCRB`;
  pc.fillStyle = '#0b0b0b';
  pc.textBaseline = 'alphabetic';
  const mrzLeft = Math.round(6.6 * s);
  const base1 = 88 - 12.6;
  const base2 = 88 - 5.8;
  for (let i = 0; i < 44; i++) {
    pc.fillText(mrz[0][i] ?? '<', mrzLeft + i * pitch, base1 * s);
    pc.fillText(mrz[1][i] ?? '<', mrzLeft + i * pitch, base2 * s);
  }
  const mrzBoxPage: Box = { x: mrzLeft - s, y: Math.round((base1 - 3.6) * s), w: Math.round(44 * pitch + 2 * s), h: Math.round((base2 - base1 + 4.6) * s) };

  // 2. the scene: page on the scanner bed, possibly shifted (crop) and rotated
  const scene = createCanvas(W, H);
  const sc = scene.getContext('2d');
  sc.fillStyle = `rgb(${bed},${bed},${bed + 4})`;
  sc.fillRect(0, 0, W, H);
  let ox = margin;
  let oy = margin;
  if (d.crop) {
    const f = d.crop.fraction;
    if (d.crop.side === 'left') ox = -Math.round(pw * f);
    if (d.crop.side === 'right') ox = W - pw + Math.round(pw * f);
    if (d.crop.side === 'top') oy = -Math.round(ph * f);
    if (d.crop.side === 'bottom') oy = H - ph + Math.round(ph * f);
  }
  const rot = ((d.rotationDeg ?? 0) * Math.PI) / 180;
  sc.save();
  sc.translate(ox + pw / 2, oy + ph / 2);
  sc.rotate(rot);
  sc.shadowColor = 'rgba(0,0,0,0.6)';
  sc.shadowBlur = 6;
  sc.drawImage(page, -pw / 2, -ph / 2);
  sc.restore();
  if (d.glare) {
    const gx = ox + d.glare.x * pw;
    const gy = oy + d.glare.y * ph;
    const gr = d.glare.r * pw;
    const g = sc.createRadialGradient(gx, gy, 0, gx, gy, gr);
    g.addColorStop(0, `rgba(255,255,255,${d.glare.strength})`);
    g.addColorStop(0.55, `rgba(255,255,255,${d.glare.strength})`);
    g.addColorStop(1, 'rgba(255,255,255,0)');
    sc.fillStyle = g;
    sc.fillRect(0, 0, W, H);
  }

  // 3. pixel defects
  const img = sc.getImageData(0, 0, W, H);
  let px = img.data;
  if (d.perspective) px = perspectiveRgba(px, W, H, d.perspective, bed);
  if (d.blur) blurRgba(px, W, H, d.blur);
  const gain = d.gain ?? 1;
  const noise = d.noise ?? 0;
  if (gain !== 1 || noise > 0) {
    for (let i = 0; i < px.length; i += 4) {
      const n = noise > 0 ? gaussian(r) * noise : 0;
      for (let c = 0; c < 3; c++) px[i + c] = (px[i + c] as number) * gain + n;
    }
  }
  if (d.grayscale) {
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * (px[i] as number) + 0.587 * (px[i + 1] as number) + 0.114 * (px[i + 2] as number);
      px[i] = px[i + 1] = px[i + 2] = y;
    }
  }
  const out = createCanvas(W, H);
  const octx = out.getContext('2d');
  const id = octx.createImageData(W, H);
  id.data.set(px);
  octx.putImageData(id, 0, 0);
  const mime = d.jpegQuality !== undefined ? 'image/jpeg' : 'image/png';
  const encoded = d.jpegQuality !== undefined ? out.encodeSync('jpeg', d.jpegQuality) : out.encodeSync('png');

  // 4. the label
  const shift = (b: Box): Box => ({ x: b.x + ox, y: b.y + oy, w: b.w, h: b.h });
  const reasons: string[] = [];
  if ((d.blur ?? 0) >= 2.2) reasons.push('BLUR');
  if (d.glare && d.glare.strength >= 0.6 && d.glare.r >= 0.06) reasons.push('GLARE');
  if (gain <= 0.45) reasons.push('UNDEREXPOSED');
  if (gain >= 1.7) reasons.push('OVEREXPOSED');
  if (d.crop && d.crop.fraction > 0.01) reasons.push('CROPPED');
  const label: PageLabel = {
    seed: spec.seed,
    format: 'TD3',
    mrz: [mrz[0], mrz[1]],
    fields: spec.fields,
    skinTone: spec.skinTone,
    defects: d,
    expect: { quality: reasons.length ? 'fail' : 'pass', qualityReasons: reasons, face: d.noFace ? 'fail' : 'pass' },
    regions: { page: shift({ x: 0, y: 0, w: pw, h: ph }), portrait: shift(portrait), mrz: shift(mrzBoxPage) },
    width: W,
    height: H,
    mime,
  };
  return { image: new Uint8Array(encoded), label };
}

export type PageVariant = 'good' | 'noisy' | 'blur' | 'glare' | 'dark' | 'bright' | 'crop' | 'noface';

/**
 * A page spec for a variant. 'good' is a clean scan; 'noisy' is a usable but imperfect scan
 * (small rotation, slight blur, noise, mild exposure change, sometimes JPEG, a small glare away
 * from the MRZ): the MRZ must still read. The other variants carry one defect that must fail.
 */
export function variantSpec(seed: number, variant: PageVariant): PageSpec {
  const r = rng(seed * 7919 + 17);
  const tones = Object.keys(SKIN_TONES) as SkinTone[];
  const base: PageSpec = { seed, fields: randomFields(r), skinTone: tones[seed % tones.length] as SkinTone };
  const between = (a: number, b: number): number => a + (b - a) * r();
  const defects: PageDefects = {};
  switch (variant) {
    case 'good':
      break;
    case 'noisy':
      defects.rotationDeg = between(-2.5, 2.5);
      defects.blur = between(0.4, 1.3);
      defects.noise = between(3, 10);
      defects.gain = between(0.75, 1.05);
      if (r() < 0.5) defects.perspective = between(0, 0.025);
      if (r() < 0.35) defects.jpegQuality = Math.round(between(70, 92));
      if (r() < 0.3) defects.glare = { x: between(0.45, 0.9), y: between(0.1, 0.4), r: 0.04, strength: 0.35 };
      break;
    case 'blur':
      defects.blur = between(2.8, 5);
      break;
    case 'glare':
      defects.glare = { x: between(0.2, 0.8), y: between(0.3, 0.8), r: between(0.1, 0.18), strength: between(0.85, 1) };
      break;
    case 'dark':
      defects.gain = between(0.2, 0.38);
      break;
    case 'bright':
      defects.gain = between(1.9, 2.4);
      break;
    case 'crop':
      defects.crop = { side: pick(r, ['left', 'right', 'top', 'bottom'] as const), fraction: between(0.08, 0.25) };
      break;
    case 'noface':
      defects.noFace = true;
      break;
  }
  return { ...base, defects };
}
