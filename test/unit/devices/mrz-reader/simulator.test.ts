import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../main/base/errors.js';
import { isMrzByte } from '../../../../main/devices/mrz-reader/framer.js';
import { MrzScannerSimulator, NOISE_BYTES, encodeMrzFrame, groupDocuments, noise, ocrConfuse, seededRandom } from '../../../../main/sim/mrz-scanner/index.js';
import { TD1, TD2, TD3, harness } from './helpers.js';

/** The scanner simulator (main/sim/mrz-scanner), tested here beside the driver it feeds. */
function recorder() {
  const writes: Uint8Array[] = [];
  return { writes, sink: { write: async (b: Uint8Array) => void writes.push(Uint8Array.from(b)) }, all: () => Uint8Array.from(writes.flatMap((w) => [...w])) };
}

describe('MRZ scanner simulator', () => {
  it('writes exactly the encoded frame, in UART-paced chunks (about chunkMs of line time each)', async () => {
    const r = recorder();
    const sim = new MrzScannerSimulator(r.sink, { framing: 'rte', baudRate: 19200, chunkMs: 5 });
    await sim.send(TD3);
    expect(r.all()).toEqual(encodeMrzFrame('rte', TD3));
    // 19200 baud = 1920 bytes/s: about 10 bytes per 5 ms slice.
    expect(Math.max(...r.writes.map((w) => w.length))).toBe(10);
    expect(r.writes.length).toBe(Math.ceil(r.all().length / 10));
  });

  it('split: the frame is cut in two writes around a pause, and still reads whole', async () => {
    const r = recorder();
    const sim = new MrzScannerSimulator(r.sink, { framing: 'stx-etx', baudRate: 115200, faults: { split: true }, splitPauseMs: 20 });
    const f = sim.frame(TD3);
    expect(f.splitAt).toBeGreaterThan(0);
    expect(f.splitAt).toBeLessThan(f.bytes.length);
    await sim.send(TD3);
    const h = harness('auto');
    for (const w of r.writes) h.framer.push(w);
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
  });

  it('noise is drawn from bytes that are neither MRZ characters nor framing bytes', () => {
    for (const b of NOISE_BYTES) {
      expect(isMrzByte(b)).toBe(false);
      expect([0x01, 0x02, 0x03, 0x0a, 0x0d, 0x1c, 0x1d]).not.toContain(b);
    }
    const n = noise(seededRandom(5));
    expect(n.length).toBeGreaterThanOrEqual(1);
    expect(n.length).toBeLessThanOrEqual(8);
    const sim = new MrzScannerSimulator(recorder().sink, { framing: 'fs-gs', faults: { noise: true } });
    const f = sim.frame(TD2);
    expect(f.frameStart).toBeGreaterThan(0);
    expect(f.bytes.subarray(f.frameStart)).toEqual(encodeMrzFrame('fs-gs', TD2));
  });

  it('OCR confusions change one character of the data line, deterministically per seed, and say which', () => {
    const a = ocrConfuse(TD3, seededRandom(9));
    const b = ocrConfuse(TD3, seededRandom(9));
    expect(a).toEqual(b);
    expect(a.changes.length).toBe(1);
    const { line, column, from, to } = a.changes[0]!;
    expect(line).toBe(2);
    expect(TD3[1]![column - 1]).toBe(from);
    expect(a.lines[1]![column - 1]).toBe(to);
    expect(a.lines[0]).toBe(TD3[0]);
    expect([...a.lines[1]!].filter((c, i) => c !== TD3[1]![i]).length).toBe(1);
  });

  it('a bad BCC exists only in RTE; unknown framings and absurd baud rates are usage errors', () => {
    const sink = recorder().sink;
    expect(() => new MrzScannerSimulator(sink, { framing: 'lines', faults: { badBcc: true } })).toThrow(UsageError);
    expect(() => new MrzScannerSimulator(sink, { framing: 'morse' as never })).toThrow(UsageError);
    expect(() => new MrzScannerSimulator(sink, { framing: 'rte', baudRate: 10 })).toThrow(UsageError);
  });

  it('run() sends each document repeat times, and stops quietly when aborted', async () => {
    const r = recorder();
    const sim = new MrzScannerSimulator(r.sink, { framing: 'lines', baudRate: 115200 });
    expect(await sim.run([TD3, TD1], { repeat: 2, intervalMs: 1 })).toBe(4);
    const h = harness('lines', { lineTimeoutMs: 10_000 });
    h.framer.push(r.all());
    expect(h.docs.map((d) => d.lines)).toEqual([TD3, TD1, TD3, TD1]);
    const ac = new AbortController();
    const forever = sim.run([TD3], { repeat: 0, intervalMs: 5, signal: ac.signal });
    setTimeout(() => ac.abort(), 40);
    expect(await forever).toBeGreaterThan(0);
  });

  it('groupDocuments splits consecutive --mrz lines into documents by line length', () => {
    expect(groupDocuments([...TD3, ...TD1, ...TD2])).toEqual([TD3, TD1, TD2]);
    expect(groupDocuments(['ABC', 'DEF'])).toEqual([['ABC', 'DEF']]);
    expect(groupDocuments([...TD3, TD1[0]!])).toEqual([TD3, [TD1[0]]]);
  });
});
