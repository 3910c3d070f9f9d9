/**
 * MRZ scanner driver latency: the time from the last byte of a frame written on a real pty (socat)
 * to the parsed `document` event of MrzReader (framing + parseMrz), per framing, at 9600 baud.
 * The simulator paces bytes like a UART; the clock starts just before the write of the chunk that
 * holds the frame's last byte. Goal: under 20 ms. Prints figures, asserts nothing.
 */
import { createPtyPair } from '../helpers/pty.js';
import { openSerialLink } from '../../main/devices/serial/index.js';
import { MrzReader, type FramingMode } from '../../main/devices/mrz-reader/index.js';
import { MrzScannerSimulator, type ScannerFraming } from '../../main/sim/mrz-scanner/index.js';
import { parseMrz, type MrzResult } from '../../main/mrz/index.js';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907ABC<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const DOCS = 40;
const BAUD = 9600;
/** Documents read first and not counted (JIT warm-up of the framer and the parser). */
const WARMUP = 3;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(sent: ScannerFraming, mode: FramingMode, doc: string[]): Promise<number[]> {
  const pair = await createPtyPair();
  const a = await openSerialLink({ path: pair.a, baudRate: BAUD });
  const b = await openSerialLink({ path: pair.b, baudRate: BAUD });
  const reader = new MrzReader<MrzResult>(b, { framing: mode, parse: (l) => parseMrz(l), dedupWindowMs: 0 });
  let t0 = 0;
  let waiting: ((t: number) => void) | undefined;
  reader.on('document', () => waiting?.(performance.now()));
  // Plain lines end with CR only here: with CRLF the document is complete at the last CR, before
  // the LF (the frame's last byte) is written, which would make the figure meaningless.
  const sim = new MrzScannerSimulator(a, { framing: sent, baudRate: BAUD, lineEnding: 'CR', onLastChunk: () => (t0 = performance.now()) });
  const out: number[] = [];
  try {
    for (let i = 0; i < DOCS + WARMUP; i++) {
      const got = new Promise<number>((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error('no document within 5 s')), 5000).unref();
      });
      await sim.send(doc);
      const t = (await got) - t0;
      if (i >= WARMUP) out.push(t);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    reader.stop();
    await a.close();
    await b.close();
    await pair.dispose();
  }
  return out;
}

export default async function bench(): Promise<void> {
  console.log(`frame's last byte on the pty → parsed document event; ${DOCS} documents per row after ${WARMUP} not counted, ${BAUD} baud; the machine is shared, so p99 shows its load (goal: p99 < 20 ms)`);
  console.log('framing sent  reader mode  document   p50 ms   p99 ms   max ms');
  const rows: Array<[ScannerFraming, FramingMode, string, string[]]> = [
    ['lines', 'lines', 'TD3', TD3],
    ['lines', 'lines', 'TD1', TD1],
    ['stx-etx', 'stx-etx', 'TD3', TD3],
    ['fs-gs', 'fs-gs', 'TD3', TD3],
    ['rte', 'rte', 'TD3', TD3],
    ['rte', 'auto', 'TD3', TD3],
    ['lines', 'auto', 'TD3', TD3],
  ];
  for (const [sent, mode, name, doc] of rows) {
    const t = (await measure(sent, mode, doc)).sort((x, y) => x - y);
    console.log(
      `${sent.padEnd(13)} ${mode.padEnd(12)} ${name.padEnd(8)} ${pct(t, 50).toFixed(2).padStart(7)}  ${pct(t, 99).toFixed(2).padStart(7)}  ${t.at(-1)!.toFixed(2).padStart(7)}`,
    );
  }
}
