/**
 * Builds models/mrz-ocrb-v2.onnx: an OCR-B character classifier for MRZ cells, trained by this
 * script from the OCR-B font itself (Debian's fonts-ocr-b), not from any downloaded data.
 *
 * Data: synthetic MRZ lines of random characters are rendered on data pages by main/sim/pages
 * (OCR-B at the ICAO pitch) under several imaging conditions (clean, blur, noise, rotation, JPEG,
 * exposure), and cut into cells by the same locator the checks use (main/checks/mrz-locate.ts).
 * Model: multinomial logistic regression (a linear layer and softmax) on the 16 x 24 cell,
 * trained with Adam and L2 weight decay; fixed seeds, so the build is reproducible.
 *
 * Input  `cells`  float32 [N, 384] (16 x 24 cells, mean removed, L2-normalised; see mrz-locate.ts)
 * Output `probs`  float32 [N, 37]  softmax over ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<
 *        `logits` float32 [N, 37]
 *
 * Usage: npx tsx scripts/models/build-mrz-ocr.ts [out.onnx]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CELL_SIZE, locateMrz } from '../../main/checks/mrz-locate.js';
import { preparePage } from '../../main/checks/preprocess.js';
import { randomFields, renderPage, rng, type PageDefects } from '../../main/sim/pages/generate.js';
import { DataType, encodeModel } from './onnx-proto.js';

export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
export const MRZ_OCR_MODEL_VERSION = 2;
/** Cells are unit vectors; this scale puts them in a range where plain weights train well. */
const INPUT_SCALE = 10;

const CONDITIONS: { name: string; pages: number; defects: (r: () => number) => PageDefects }[] = [
  { name: 'clean', pages: 6, defects: () => ({}) },
  { name: 'soft', pages: 6, defects: (r) => ({ blur: 0.5 + 0.8 * r(), noise: 3 * r() }) },
  { name: 'blur-noise', pages: 6, defects: (r) => ({ blur: 1.0 + 0.6 * r(), noise: 4 + 6 * r(), gain: 0.75 + 0.3 * r() }) },
  { name: 'rotated-jpeg', pages: 6, defects: (r) => ({ rotationDeg: (r() - 0.5) * 5, blur: 0.4 + 0.6 * r(), jpegQuality: 70 + Math.round(20 * r()), perspective: 0.02 * r() }) },
  { name: 'exposure', pages: 4, defects: (r) => ({ gain: r() < 0.5 ? 0.3 + 0.2 * r() : 1.0 + 0.3 * r(), noise: 3 }) },
];

function randomLine(r: () => number): string {
  let s = '';
  for (let i = 0; i < 44; i++) s += MRZ_ALPHABET[Math.floor(r() * MRZ_ALPHABET.length)];
  return s;
}

interface Sample {
  x: Float32Array;
  y: number;
}

function collect(log: (m: string) => void): Sample[] {
  const samples: Sample[] = [];
  CONDITIONS.forEach((cond, ci) => {
    const r = rng(1000 + ci);
    for (let pIdx = 0; pIdx < cond.pages; pIdx++) {
      const lines: [string, string] = [randomLine(r), randomLine(r)];
      const page = renderPage({ seed: 50_000 + ci * 100 + pIdx, fields: randomFields(r), skinTone: 'III', defects: cond.defects(r), mrzOverride: lines });
      const loc = locateMrz(preparePage(page.image).work);
      if (!loc || loc.lines.length !== 2 || loc.lines.some((l) => l.count !== 44)) {
        log(`build-mrz-ocr: page ${cond.name}/${pIdx} not located, skipped`);
        continue;
      }
      loc.lines.forEach((line, li) => {
        const text = lines[li] as string;
        for (let i = 0; i < 44; i++) {
          const x = new Float32Array(CELL_SIZE);
          for (let j = 0; j < CELL_SIZE; j++) x[j] = (line.cells[i * CELL_SIZE + j] as number) * INPUT_SCALE;
          samples.push({ x, y: MRZ_ALPHABET.indexOf(text[i] as string) });
        }
      });
    }
  });
  return samples;
}

/** Softmax regression with Adam and weight decay. Returns W [CELL_SIZE x K] (row-major) and b [K]. */
function train(samples: Sample[], log: (m: string) => void): { W: Float64Array; b: Float64Array } {
  const K = MRZ_ALPHABET.length;
  const D = CELL_SIZE;
  const W = new Float64Array(D * K);
  const b = new Float64Array(K);
  const mW = new Float64Array(D * K);
  const vW = new Float64Array(D * K);
  const mb = new Float64Array(K);
  const vb = new Float64Array(K);
  const lr = 0.01;
  const decay = 1e-4;
  const batch = 128;
  const epochs = 40;
  const r = rng(7);
  const order = samples.map((_, i) => i);
  let t = 0;
  const logits = new Float64Array(K);
  const gW = new Float64Array(D * K);
  const gb = new Float64Array(K);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let loss = 0;
    let correct = 0;
    for (let s0 = 0; s0 < order.length; s0 += batch) {
      gW.fill(0);
      gb.fill(0);
      const end = Math.min(order.length, s0 + batch);
      for (let s = s0; s < end; s++) {
        const { x, y } = samples[order[s] as number] as Sample;
        for (let k = 0; k < K; k++) logits[k] = b[k] as number;
        for (let d = 0; d < D; d++) {
          const xv = x[d] as number;
          if (xv === 0) continue;
          const row = d * K;
          for (let k = 0; k < K; k++) logits[k] = (logits[k] as number) + xv * (W[row + k] as number);
        }
        let max = -Infinity;
        let arg = 0;
        for (let k = 0; k < K; k++) if ((logits[k] as number) > max) {
          max = logits[k] as number;
          arg = k;
        }
        if (arg === y) correct++;
        let sum = 0;
        for (let k = 0; k < K; k++) {
          logits[k] = Math.exp((logits[k] as number) - max);
          sum += logits[k] as number;
        }
        loss -= Math.log((logits[y] as number) / sum + 1e-12);
        for (let k = 0; k < K; k++) logits[k] = (logits[k] as number) / sum - (k === y ? 1 : 0);
        for (let d = 0; d < D; d++) {
          const xv = x[d] as number;
          const row = d * K;
          for (let k = 0; k < K; k++) gW[row + k] = (gW[row + k] as number) + xv * (logits[k] as number);
        }
        for (let k = 0; k < K; k++) gb[k] = (gb[k] as number) + (logits[k] as number);
      }
      const n = end - s0;
      t++;
      const b1 = 0.9;
      const b2 = 0.999;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let i = 0; i < W.length; i++) {
        const g = (gW[i] as number) / n + decay * (W[i] as number);
        mW[i] = b1 * (mW[i] as number) + (1 - b1) * g;
        vW[i] = b2 * (vW[i] as number) + (1 - b2) * g * g;
        W[i] = (W[i] as number) - (lr * ((mW[i] as number) / c1)) / (Math.sqrt((vW[i] as number) / c2) + 1e-8);
      }
      for (let k = 0; k < K; k++) {
        const g = (gb[k] as number) / n;
        mb[k] = b1 * (mb[k] as number) + (1 - b1) * g;
        vb[k] = b2 * (vb[k] as number) + (1 - b2) * g * g;
        b[k] = (b[k] as number) - (lr * ((mb[k] as number) / c1)) / (Math.sqrt((vb[k] as number) / c2) + 1e-8);
      }
    }
    if (ep % 10 === 9 || ep === epochs - 1) log(`build-mrz-ocr: epoch ${ep + 1} loss ${(loss / order.length).toFixed(4)} train accuracy ${((100 * correct) / order.length).toFixed(2)}%`);
  }
  return { W, b };
}

export function buildMrzOcrModel(log: (m: string) => void = () => {}): Uint8Array {
  const K = MRZ_ALPHABET.length;
  const samples = collect(log);
  const counts = new Array<number>(K).fill(0);
  for (const s of samples) counts[s.y] = (counts[s.y] as number) + 1;
  if (counts.some((c) => c === 0)) throw new Error('a character has no training sample');
  log(`build-mrz-ocr: ${samples.length} cells, min per character ${Math.min(...counts)}`);
  const { W, b } = train(samples, log);
  // fold the input scale into the weights: logits = (cells * INPUT_SCALE) W + b
  const Wv = Array.from(W, (v) => v * INPUT_SCALE);
  return encodeModel({
    opset: 13,
    producerName: 'border-kiosk scripts/models/build-mrz-ocr.ts',
    producerVersion: String(MRZ_OCR_MODEL_VERSION),
    modelVersion: MRZ_OCR_MODEL_VERSION,
    doc: `OCR-B MRZ character classifier (softmax regression). Alphabet: ${MRZ_ALPHABET}`,
    metadata: { alphabet: MRZ_ALPHABET, cell: '16x24' },
    graph: {
      name: 'mrz_ocrb',
      nodes: [
        { op: 'MatMul', inputs: ['cells', 'W'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'b'], outputs: ['logits'] },
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: [{ name: 'axis', i: 1 }] },
      ],
      initializers: [
        { name: 'W', dataType: DataType.FLOAT, dims: [CELL_SIZE, K], values: Wv },
        { name: 'b', dataType: DataType.FLOAT, dims: [K], values: Array.from(b) },
      ],
      inputs: [{ name: 'cells', elemType: DataType.FLOAT, shape: ['N', CELL_SIZE] }],
      outputs: [
        { name: 'probs', elemType: DataType.FLOAT, shape: ['N', K] },
        { name: 'logits', elemType: DataType.FLOAT, shape: ['N', K] },
      ],
    },
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2] ?? path.join(here, '..', '..', 'models', 'mrz-ocrb-v2.onnx');
  writeFileSync(out, buildMrzOcrModel((m) => console.error(m)));
  console.error(`wrote ${out}`);
}
