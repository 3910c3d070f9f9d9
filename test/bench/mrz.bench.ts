/**
 * MRZ benchmark (prints figures, asserts nothing):
 * 1. parses per second of our parser and of the `mrz` npm package on the same TD1/TD2/TD3 inputs
 *    (the formats both handle), and the ratio;
 * 2. OCR-repair time per document (mean, p99) on noisy inputs: 1-3 OCR confusions per document.
 */
import { cpus, loadavg } from 'node:os';
import fc from 'fast-check';
import { parse as mrzPackageParse } from 'mrz';
import { buildMrz, parseMrz, type MrzFormat } from '../../main/mrz/index.js';
import { TODAY, validFields } from '../unit/mrz/arbitraries.js';
import { seededRandom } from '../../main/base/random.js';

const DOCS_PER_FORMAT = 500;
const ROUNDS = 8;
const SLICE_MS = 150;
const REPEATS = 5;

const mulberry32 = seededRandom;

function documents(formats: MrzFormat[]): string[][] {
  return formats.flatMap((format, i) =>
    fc.sample(validFields(format), { numRuns: DOCS_PER_FORMAT, seed: 1000 + i }).map((fields) => buildMrz(format, fields)),
  );
}

/**
 * Calls of each parser per second over the same inputs. The parsers take turns in short slices
 * (ROUNDS × SLICE_MS each), so that a change in machine load hits them alike.
 */
function rates(inputs: readonly string[][], fns: Record<string, (lines: string[]) => unknown>): Record<string, number> {
  const names = Object.keys(fns);
  const calls: Record<string, number> = {};
  const ms: Record<string, number> = {};
  for (const name of names) {
    for (let i = 0; i < Math.min(inputs.length, 500); i++) fns[name]!(inputs[i]!); // warm-up
    calls[name] = 0;
    ms[name] = 0;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const fn = fns[name]!;
      let n = calls[name]!;
      const start = performance.now();
      let now = start;
      while (now - start < SLICE_MS) {
        for (let k = 0; k < 50; k++) fn(inputs[(n + k) % inputs.length]!);
        n += 50;
        now = performance.now();
      }
      calls[name] = n;
      ms[name]! += now - start;
    }
  }
  return Object.fromEntries(names.map((name) => [name, (calls[name]! * 1000) / ms[name]!]));
}

const CONFUSIONS: Record<string, string[]> = {
  '0': ['O', 'D'], O: ['0'], D: ['0'], '1': ['I'], I: ['1'], '8': ['B'], B: ['8'], '5': ['S'], S: ['5'], '2': ['Z'],
  Z: ['2'], '6': ['G'], G: ['6'], '<': ['K', 'L'],
};

function noisy(docs: readonly string[][], seed: number): string[][] {
  const rnd = mulberry32(seed);
  return docs.map((lines) => {
    const out = [...lines];
    const k = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < k; j++) {
      for (let tries = 0; tries < 50; tries++) {
        const li = Math.floor(rnd() * out.length);
        const l = out[li]!;
        const ci = Math.floor(rnd() * l.length);
        const alts = CONFUSIONS[l[ci]!];
        if (!alts) continue;
        out[li] = l.slice(0, ci) + alts[Math.floor(rnd() * alts.length)] + l.slice(ci + 1);
        break;
      }
    }
    return out;
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export default async function (): Promise<void> {
  console.log(`machine load average (1 min): ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures are noisy when busy)`);
  const inputs = documents(['TD1', 'TD2', 'TD3']);
  const agree = inputs.filter((l) => parseMrz(l, { today: TODAY }).valid && mrzPackageParse(l).valid).length;
  console.log(`inputs: ${inputs.length} valid TD1/TD2/TD3 MRZs (both parsers valid on ${agree})`);

  const r = rates(inputs, {
    ours: (l) => parseMrz(l, { today: TODAY }),
    oursNoRepair: (l) => parseMrz(l, { today: TODAY, repair: false }),
    theirs: (l) => mrzPackageParse(l),
    theirsAuto: (l) => mrzPackageParse(l, { autocorrect: true }),
  });
  const { ours, oursNoRepair, theirs, theirsAuto } = r as Record<'ours' | 'oursNoRepair' | 'theirs' | 'theirsAuto', number>;
  console.log(`parses/s  ours (repair on, default): ${fmt(ours)}`);
  console.log(`parses/s  ours (--no-repair):        ${fmt(oursNoRepair)}`);
  console.log(`parses/s  mrz npm package:           ${fmt(theirs)}`);
  console.log(`parses/s  mrz npm (autocorrect):     ${fmt(theirsAuto)}`);
  console.log(`ratio ours/mrz: ${(ours / theirs).toFixed(2)} (repair on), ${(oursNoRepair / theirs).toFixed(2)} (repair off); vs mrz autocorrect: ${(ours / theirsAuto).toFixed(2)}`);

  const all = documents(['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB']);
  const noisyDocs = noisy(all, 7);
  for (let i = 0; i < 300; i++) parseMrz(noisyDocs[i]!, { today: TODAY }); // warm-up
  const times: number[] = [];
  let repaired = 0;
  let ambiguous = 0;
  for (const l of noisyDocs) {
    // Per document: the best of REPEATS runs, so that a preemption on a busy machine does not
    // count as repair time.
    let best = Infinity;
    let r = parseMrz(l, { today: TODAY });
    for (let k = 0; k < REPEATS; k++) {
      const t0 = performance.now();
      r = parseMrz(l, { today: TODAY });
      best = Math.min(best, performance.now() - t0);
    }
    times.push(best);
    if (r.valid) repaired++;
    else if (r.errors.some((e) => e.code === 'MRZ_AMBIGUOUS')) ambiguous++;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!;
  console.log(`OCR repair on ${noisyDocs.length} noisy documents (1-3 confusions each, all five formats):`);
  console.log(`  time per document (parse + repair, best of ${REPEATS}): mean ${(mean * 1000).toFixed(1)} µs, p99 ${(p99 * 1000).toFixed(1)} µs, max ${(times[times.length - 1]! * 1000).toFixed(1)} µs`);
  console.log(`  outcome: ${repaired} repaired to a valid reading, ${ambiguous} reported ambiguous, ${noisyDocs.length - repaired - ambiguous} left invalid (errors reported)`);
}
