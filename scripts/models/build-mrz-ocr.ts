/**
 * Builds models/mrz-ocrb-v1.onnx: an OCR-B character classifier for MRZ cells, made from the
 * OCR-B font itself (Debian's fonts-ocr-b), not from any downloaded data.
 *
 * Method: synthetic MRZ lines of random characters are rendered on data pages by
 * main/sim/pages (OCR-B at the ICAO pitch) under a few imaging conditions (clean, mild blur,
 * blur with noise, small rotation with JPEG), cut into cells by the same locator the checks use
 * (main/checks/mrz-locate.ts), and averaged per character and condition into prototypes. The
 * graph scores each cell against every prototype (cosine similarity: cells and prototypes are
 * mean-removed and L2-normalised) and keeps, per character, its best prototype.
 *
 * Input  `cells`  float32 [N, 384] (16 x 24 cells, see mrz-locate.ts)
 * Output `scores` float32 [N, 37]  (alphabet ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<), cosine similarity
 *
 * Usage: npx tsx scripts/models/build-mrz-ocr.ts [out.onnx]   (deterministic: fixed seeds)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CELL_SIZE, locateMrz } from '../../main/checks/mrz-locate.js';
import { preparePage } from '../../main/checks/preprocess.js';
import { randomFields, renderPage, rng, type PageDefects } from '../../main/sim/pages/generate.js';
import { DataType, encodeModel } from './onnx-proto.js';

export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
export const MRZ_OCR_MODEL_VERSION = 1;

const CONDITIONS: { name: string; defects: (r: () => number) => PageDefects }[] = [
  { name: 'clean', defects: () => ({}) },
  { name: 'soft', defects: (r) => ({ blur: 0.7 + 0.3 * r() }) },
  { name: 'blur-noise', defects: (r) => ({ blur: 1.3 + 0.3 * r(), noise: 5 }) },
  { name: 'rotated-jpeg', defects: (r) => ({ rotationDeg: (r() - 0.5) * 3, blur: 0.5, jpegQuality: 80 }) },
];
const PAGES_PER_CONDITION = 8;

function randomLine(r: () => number): string {
  let s = '';
  for (let i = 0; i < 44; i++) s += MRZ_ALPHABET[Math.floor(r() * MRZ_ALPHABET.length)];
  return s;
}

export function buildMrzOcrModel(log: (m: string) => void = () => {}): Uint8Array {
  const K = MRZ_ALPHABET.length;
  const M = CONDITIONS.length;
  const protos = new Float64Array(K * M * CELL_SIZE);
  const counts = new Int32Array(K * M);
  CONDITIONS.forEach((cond, ci) => {
    const r = rng(1000 + ci);
    for (let pIdx = 0; pIdx < PAGES_PER_CONDITION; pIdx++) {
      const lines: [string, string] = [randomLine(r), randomLine(r)];
      const page = renderPage({ seed: 5000 + ci * 100 + pIdx, fields: randomFields(r), skinTone: 'III', defects: cond.defects(r), mrzOverride: lines });
      const loc = locateMrz(preparePage(page.image).work);
      if (!loc || loc.lines.length !== 2 || loc.lines.some((l) => l.count !== 44)) {
        log(`build-mrz-ocr: page ${cond.name}/${pIdx} not located, skipped`);
        continue;
      }
      loc.lines.forEach((line, li) => {
        const text = lines[li] as string;
        for (let i = 0; i < 44; i++) {
          const k = MRZ_ALPHABET.indexOf(text[i] as string);
          const slot = k * M + ci;
          counts[slot] = (counts[slot] as number) + 1;
          for (let j = 0; j < CELL_SIZE; j++) protos[slot * CELL_SIZE + j] = (protos[slot * CELL_SIZE + j] as number) + (line.cells[i * CELL_SIZE + j] as number);
        }
      });
    }
  });
  // normalise each prototype; lay out as a [CELL_SIZE, K*M] matrix (column k*M+m)
  const T = new Array<number>(CELL_SIZE * K * M).fill(0);
  for (let slot = 0; slot < K * M; slot++) {
    if ((counts[slot] as number) === 0) throw new Error(`no sample for ${MRZ_ALPHABET[Math.floor(slot / M)]} in condition ${slot % M}`);
    let mean = 0;
    for (let j = 0; j < CELL_SIZE; j++) mean += protos[slot * CELL_SIZE + j] as number;
    mean /= CELL_SIZE;
    let norm = 0;
    for (let j = 0; j < CELL_SIZE; j++) norm += ((protos[slot * CELL_SIZE + j] as number) - mean) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < CELL_SIZE; j++) T[j * K * M + slot] = ((protos[slot * CELL_SIZE + j] as number) - mean) / norm;
  }
  log(`build-mrz-ocr: ${K} characters x ${M} prototypes, min samples ${Math.min(...counts)}`);
  return encodeModel({
    opset: 13,
    producerName: 'border-kiosk scripts/models/build-mrz-ocr.ts',
    producerVersion: String(MRZ_OCR_MODEL_VERSION),
    modelVersion: MRZ_OCR_MODEL_VERSION,
    doc: `OCR-B MRZ character classifier (prototype cosine similarity). Alphabet: ${MRZ_ALPHABET}`,
    metadata: { alphabet: MRZ_ALPHABET, cell: '16x24' },
    graph: {
      name: 'mrz_ocrb',
      nodes: [
        { op: 'MatMul', inputs: ['cells', 'prototypes'], outputs: ['sim'] },
        { op: 'Reshape', inputs: ['sim', 'shape_kpm'], outputs: ['sim3'] },
        { op: 'ReduceMax', inputs: ['sim3'], outputs: ['scores'], attrs: [{ name: 'axes', ints: [2] }, { name: 'keepdims', i: 0 }] },
      ],
      initializers: [
        { name: 'prototypes', dataType: DataType.FLOAT, dims: [CELL_SIZE, K * M], values: T },
        { name: 'shape_kpm', dataType: DataType.INT64, dims: [3], values: [-1, K, M] },
      ],
      inputs: [{ name: 'cells', elemType: DataType.FLOAT, shape: ['N', CELL_SIZE] }],
      outputs: [{ name: 'scores', elemType: DataType.FLOAT, shape: ['N', K] }],
    },
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2] ?? path.join(here, '..', '..', 'models', 'mrz-ocrb-v1.onnx');
  writeFileSync(out, buildMrzOcrModel((m) => console.error(m)));
  console.error(`wrote ${out}`);
}
