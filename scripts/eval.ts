/**
 * `npm run eval`: measures the document checks on a labelled synthetic evaluation set made by
 * main/sim/pages (seeds from 100000 on: disjoint from the MRZ classifier's training pages, the test
 * fixtures and the unit tests).
 *
 * Prints and writes models/eval-summary.json (read by scripts/models/build-all.ts into the model
 * cards): per-check accuracy against the labels, the MRZ read rate per document after repair on the
 * noisy set (goal >= 99 %), face detection per synthetic skin-tone group, cross-check detection of
 * a mismatched MRZ, and latency per check and per page on one inference thread (goal < 500 ms).
 *
 *   npm run eval                      # 100 noisy pages, 20 of every other variant
 *   npm run eval -- --noisy 30 --each 5
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocumentChecker, type CheckName, type Evidence } from '../main/checks/index.js';
import { parseMrz } from '../main/mrz/index.js';
import { renderPage, variantSpec, type PageVariant } from '../main/sim/pages/generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

function argNum(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const NOISY = argNum('noisy', 100);
const EACH = argNum('each', 20);
const THREADS = argNum('threads', 1);
const WRITE = !process.argv.includes('--no-write');

const VARIANTS: PageVariant[] = ['good', 'noisy', 'blur', 'glare', 'dark', 'bright', 'crop', 'noface'];
const QUALITY: Record<string, CheckName> = { blur: 'image-sharpness', glare: 'image-glare', dark: 'image-exposure', bright: 'image-exposure', crop: 'image-crop' };
const QUALITY_CHECKS: CheckName[] = ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop'];

interface Tally {
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  other: number;
}
const tally = (): Tally => ({ tp: 0, tn: 0, fp: 0, fn: 0, other: 0 });
/** positive = the check says the page is bad (fail/inconclusive). */
function count(t: Tally, truthBad: boolean, e: Evidence | undefined): void {
  if (!e || e.status === 'not-run') t.other++;
  else {
    const saysBad = e.status !== 'pass';
    if (truthBad && saysBad) t.tp++;
    else if (truthBad) t.fn++;
    else if (saysBad) t.fp++;
    else t.tn++;
  }
}
const acc = (t: Tally): number => (t.tp + t.tn) / Math.max(1, t.tp + t.tn + t.fp + t.fn + t.other);
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function stats(xs: number[]): { mean: number; p50: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] ?? NaN;
  return { mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN };
}
const r1 = (v: number): number => Math.round(v * 10) / 10;

async function main(): Promise<void> {
  const checker = await createDocumentChecker({ modelsDir: path.join(root, 'models'), threads: THREADS, timeoutMs: 20_000 });
  const quality: Record<string, Tally> = Object.fromEntries(QUALITY_CHECKS.map((c) => [c, tally()]));
  const face = tally();
  const faceByTone: Record<string, { found: number; total: number }> = {};
  const mrzRead: Record<string, { ok: number; total: number; withoutRepair: number; wrongButValid: number }> = {};
  const cross = { consistentPass: 0, consistentTotal: 0, mismatchFail: 0, mismatchTotal: 0 };
  const lat: Record<string, number[]> = { totalMs: [], decodeMs: [], qualityMs: [], faceMs: [], mrzMs: [] };
  const failures: string[] = [];
  const loadBefore = os.loadavg()[0];
  let seed = 100_000;
  for (const variant of VARIANTS) {
    const n = variant === 'noisy' ? NOISY : EACH;
    for (let i = 0; i < n; i++, seed++) {
      const page = renderPage(variantSpec(seed, variant));
      // half of the pages are cross-checked against another document's MRZ (a swapped page)
      const mismatch = i % 2 === 1;
      const other = renderPage(variantSpec(seed + 500_000, 'good')).label.mrz;
      const r = await checker.checkPage({ image: page.image, scannerMrz: mismatch ? other : page.label.mrz, chipDg1Mrz: page.label.mrz });
      const ev = Object.fromEntries(r.evidence.map((e) => [e.check, e])) as Record<CheckName, Evidence>;
      for (const c of QUALITY_CHECKS) count(quality[c] as Tally, QUALITY[variant] === c, ev[c]);
      if (variant !== 'crop') {
        count(face, variant === 'noface', ev['face-present']);
        if (variant === 'good' || variant === 'noisy') {
          const g = (faceByTone[page.label.skinTone] ??= { found: 0, total: 0 });
          g.total++;
          if (ev['face-present'].status === 'pass') g.found++;
        }
      }
      const truth = parseMrz(page.label.mrz).fields;
      const m = (mrzRead[variant] ??= { ok: 0, total: 0, withoutRepair: 0, wrongButValid: 0 });
      m.total++;
      const same = r.mrz?.valid === true && JSON.stringify(r.mrz.fields) === JSON.stringify(truth);
      if (same) {
        m.ok++;
        if (r.mrz?.corrections.length === 0) m.withoutRepair++;
      } else {
        if (r.mrz?.valid) m.wrongButValid++;
        if (variant === 'noisy' || variant === 'good') failures.push(`${variant} seed ${seed}: ${ev['mrz-ocr'].reasonCode} ${JSON.stringify(ev['mrz-ocr'].details ?? {})}`);
      }
      if (same) {
        if (mismatch) {
          cross.mismatchTotal++;
          if (ev['mrz-vs-scanner'].status === 'fail') cross.mismatchFail++;
        } else {
          cross.consistentTotal++;
          if (ev['mrz-vs-scanner'].status === 'pass') cross.consistentPass++;
        }
      }
      for (const k of Object.keys(lat)) (lat[k] as number[]).push(r.timings[k as keyof typeof r.timings]);
    }
    process.stderr.write(`eval: ${variant} done (${n} pages)\n`);
  }
  await checker.close();

  const latency = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, Object.fromEntries(Object.entries(stats(v)).map(([a, b]) => [a, r1(b)]))]));
  const noisy = mrzRead.noisy ?? { ok: 0, total: 0, withoutRepair: 0, wrongButValid: 0 };
  const summary = {
    generatedAt: new Date().toISOString(),
    dataset: { generator: 'main/sim/pages', firstSeed: 100_000, pages: seed - 100_000, perVariant: Object.fromEntries(VARIANTS.map((v) => [v, v === 'noisy' ? NOISY : EACH])) },
    quality: Object.fromEntries(Object.entries(quality).map(([c, t]) => [c, { accuracy: r1(100 * acc(t)) / 100, ...t }])),
    face: { accuracy: r1(100 * acc(face)) / 100, ...face, note: 'crop pages excluded (the portrait may be cut off); drawn synthetic portraits only' },
    faceByGroup: Object.fromEntries(Object.entries(faceByTone).sort().map(([k, g]) => [`skinTone ${k}`, { detectionRate: r1((100 * g.found) / Math.max(1, g.total)) / 100, pages: g.total }])),
    mrz: {
      readRateNoisyAfterRepair: r1((100 * noisy.ok) / Math.max(1, noisy.total)) / 100,
      perVariant: mrzRead,
      note: 'read = valid after repair and every field equal to the label; wrongButValid = a valid MRZ with a wrong field (the dangerous case)',
    },
    crossCheck: cross,
    latency: { threads: THREADS, loadAverageAtStart: r1(loadBefore ?? 0), loadAverageAtEnd: r1(os.loadavg()[0] ?? 0), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', ms: latency },
  };

  const lines: string[] = [];
  lines.push(`Evaluation on ${summary.dataset.pages} synthetic pages (${JSON.stringify(summary.dataset.perVariant)})`);
  lines.push('', 'Quality checks (positive = the page has that defect):');
  for (const [c, t] of Object.entries(quality)) lines.push(`  ${c.padEnd(16)} accuracy ${pct(acc(t)).padStart(6)}  TP ${t.tp} TN ${t.tn} FP ${t.fp} FN ${t.fn} not-run ${t.other}`);
  lines.push(`  face-present     accuracy ${pct(acc(face)).padStart(6)}  TP ${face.tp} TN ${face.tn} FP ${face.fp} FN ${face.fn} (positive = no face)`);
  lines.push('  face found per synthetic skin tone: ' + Object.entries(summary.faceByGroup).map(([k, g]) => `${k.replace('skinTone ', '')} ${pct(g.detectionRate)} (${g.pages})`).join(', '));
  lines.push('', 'MRZ read rate per document (valid after repair, all fields right):');
  for (const [v, m] of Object.entries(mrzRead)) lines.push(`  ${v.padEnd(7)} ${pct(m.ok / Math.max(1, m.total)).padStart(6)} of ${m.total}  (no repair needed ${m.withoutRepair}, valid but wrong ${m.wrongButValid})`);
  lines.push(`  noisy set: ${pct(summary.mrz.readRateNoisyAfterRepair)} (goal >= 99%)`);
  lines.push('', `Cross-check printed MRZ vs scanner: consistent pairs passed ${cross.consistentPass}/${cross.consistentTotal}, swapped pages caught ${cross.mismatchFail}/${cross.mismatchTotal}`);
  lines.push('', `Latency per page, ${THREADS} inference thread, ms (load average ${summary.latency.loadAverageAtStart} -> ${summary.latency.loadAverageAtEnd} on ${summary.latency.cpus} cores; goal < 500 ms):`);
  for (const [k, s] of Object.entries(latency)) lines.push(`  ${k.padEnd(10)} mean ${String(s.mean).padStart(7)}  p50 ${String(s.p50).padStart(7)}  p95 ${String(s.p95).padStart(7)}  max ${String(s.max).padStart(7)}`);
  if (failures.length) lines.push('', 'MRZ misreads (good/noisy):', ...failures.slice(0, 20).map((f) => '  ' + f));
  console.log(lines.join('\n'));
  if (WRITE) {
    writeFileSync(path.join(root, 'models', 'eval-summary.json'), JSON.stringify(summary, null, 2) + '\n');
    console.error('eval: wrote models/eval-summary.json');
  }
}

await main();
