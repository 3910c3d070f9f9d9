/**
 * Latency of the document checks on one inference thread: per stage of a page (decode, quality,
 * face, MRZ locate + OCR, cross-checks), per page, and per model inference alone. Prints figures
 * and the machine's load average (the numbers are only comparable on an idle machine); asserts
 * nothing. `npm run bench -- checks`
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocumentChecker } from '../../main/checks/index.js';
import { InferenceWorker } from '../../main/checks/inference.js';
import { CELL_SIZE, locateMrz } from '../../main/checks/mrz-locate.js';
import { preparePage } from '../../main/checks/preprocess.js';
import { readFile } from 'node:fs/promises';
import { renderPage, variantSpec } from '../../main/sim/pages/generate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = path.join(root, 'models');
const ITER = Number(process.env.BENCH_ITER ?? 5);

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  const p = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? NaN;
  return `mean ${mean.toFixed(1).padStart(7)} ms  p50 ${p(0.5).toFixed(1).padStart(7)}  max ${p(1).toFixed(1).padStart(7)}`;
}

export default async function bench(): Promise<void> {
  console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}); ${ITER} iterations, 1 inference thread`);
  const pages = [
    { name: 'clean PNG 1096x800', image: renderPage(variantSpec(900, 'good')).image },
    { name: 'noisy page', image: renderPage(variantSpec(901, 'noisy')).image },
    { name: 'JPEG q85', image: renderPage({ ...variantSpec(902, 'good'), defects: { jpegQuality: 85 } }).image },
  ];
  const checker = await createDocumentChecker({ modelsDir, threads: 1, timeoutMs: 30_000 });
  try {
    for (const p of pages) {
      await checker.checkPage({ image: p.image }); // warm-up
      const t: Record<string, number[]> = { totalMs: [], decodeMs: [], qualityMs: [], faceMs: [], mrzMs: [], crossMs: [] };
      const cpu: number[] = [];
      for (let i = 0; i < ITER; i++) {
        const c0 = process.cpuUsage();
        const r = await checker.checkPage({ image: p.image, scannerMrz: ['P<UTO<<', 'X'] });
        const c1 = process.cpuUsage(c0);
        cpu.push((c1.user + c1.system) / 1000);
        for (const k of Object.keys(t)) (t[k] as number[]).push(r.timings[k as keyof typeof r.timings]);
      }
      t['cpuMs (process, all threads)'] = cpu;
      console.log(`\n${p.name}`);
      for (const [k, v] of Object.entries(t)) console.log(`  ${k.padEnd(10)} ${summary(v)}`);
      // wall time on a loaded machine overstates the work: CPU time is closer to what one idle core would take
      const total = t.totalMs as number[];
      const mean = total.reduce((a, b) => a + b, 0) / total.length;
      console.log(`  page budget 500 ms: ${(mean / 500).toFixed(2)}x of budget`);
    }
  } finally {
    await checker.close();
  }

  // the models alone, and the MRZ locator (pure TypeScript, main thread)
  const worker = new InferenceWorker({ threads: 1, timeoutMs: 30_000 });
  try {
    for (const [id, file] of [
      ['quality', 'quality-v2.onnx'],
      ['face', 'blazeface-front-128.onnx'],
      ['ocr', 'mrz-ocrb-v2.onnx'],
    ] as const) {
      await worker.load(id, new Uint8Array(await readFile(path.join(modelsDir, file))));
    }
    const prepared = preparePage(pages[0]!.image);
    const feeds = {
      quality: { luma: { data: prepared.work.data, dims: [1, 1, prepared.work.height, prepared.work.width] } },
      face: { 'input:0': { data: new Float32Array(128 * 128 * 3), dims: [1, 128, 128, 3] } },
      ocr: { cells: { data: new Float32Array(88 * CELL_SIZE).fill(0.01), dims: [88, CELL_SIZE] } },
    };
    console.log('\nmodel inference alone (worker round trip included)');
    for (const [id, f] of Object.entries(feeds)) {
      await worker.run(id, f);
      const xs: number[] = [];
      for (let i = 0; i < ITER * 2; i++) {
        const t0 = performance.now();
        await worker.run(id, f);
        xs.push(performance.now() - t0);
      }
      console.log(`  ${id.padEnd(10)} ${summary(xs)}`);
    }
  } finally {
    await worker.close();
  }
  const xs: number[] = [];
  const prep: number[] = [];
  for (let i = 0; i < ITER; i++) {
    const t0 = performance.now();
    const prepared = preparePage(pages[0]!.image);
    const t1 = performance.now();
    locateMrz(prepared.work);
    xs.push(performance.now() - t1);
    prep.push(t1 - t0);
  }
  console.log(`  decode+luma+resize ${summary(prep)}`);
  console.log(`  MRZ locate (TS)    ${summary(xs)}`);
}
