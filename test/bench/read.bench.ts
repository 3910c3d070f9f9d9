/**
 * Chip read speed: COM + DG1 + DG2 (about 15 KB) + SOD at 115200 baud from the virtual passport
 * through the simulated PN532 over a real pty pair (the simulator paces bytes at the baud rate
 * and adds the chip's processing time). Prints, asserts nothing:
 *  - the goal figure of issue 3 item 8: the ratio of the read time to the time the PAYLOAD bytes
 *    (the four files) alone need on the wire at that baud (10 bits per byte), with and without
 *    access control (goal ≤ 1.15);
 *  - for diagnosis, the ratio of the read time to the wire time of ALL the bytes actually
 *    exchanged (frames, ACKs, APDU headers, secure messaging; both directions): how close the
 *    software gets to what the line allows;
 *  - payload bytes per wire byte (both directions counted).
 * Each case runs RUNS times (the machine is shared, so one run can be slowed down by others);
 * the median and the best run are printed.
 */
import { createPtyPair } from '../helpers/pty.js';
import { openSerialLink } from '../../main/devices/serial/index.js';
import { Pn532, Pn532CardTransport, type Pn532CardTransportOptions } from '../../main/devices/pn532/index.js';
import { readPassport, type ReadableFile } from '../../main/emrtd/reader.js';
import { openPn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { generatePassport, type GeneratedPassport } from '../../main/sim/passport/index.js';
import { buildChip } from '../../main/host/cli/commands/simulate-nfc.js';

const BAUD = 115200;
const FILES: ReadableFile[] = ['COM', 'DG1', 'DG2', 'SOD'];
const RUNS = 3;

interface Run {
  totalMs: number;
  accessMs: number;
  payload: number;
  dg2: number;
  wireBytes: number;
  le: number;
  protocol: string;
  apdus: number;
  perFileMs: Partial<Record<ReadableFile, number>>;
}

async function once(passport: GeneratedPassport, transportOpts: Omit<Pn532CardTransportOptions, 'pn532'>): Promise<Run> {
  const pty = await createPtyPair();
  const sim = await openPn532SimulatorOnPort({ path: pty.a, baudRate: BAUD, field: { card: buildChip(passport) } });
  const link = await openSerialLink({ path: pty.b, baudRate: BAUD, reconnect: false });
  const pn532 = new Pn532({ link, baudRate: BAUD });
  try {
    await pn532.init();
    const transport = new Pn532CardTransport({ pn532, ...transportOpts });
    await transport.connect({ timeoutMs: 5000 });
    const before = { out: pn532.stats.bytesOut, in: pn532.stats.bytesIn, apdus: sim.stats.apdus };
    const t0 = performance.now();
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: passport.mrzInformation }, { files: FILES });
    const totalMs = performance.now() - t0;
    return {
      totalMs,
      accessMs: r.timings.accessControlMs,
      payload: FILES.reduce((a, f) => a + (r.files[f]?.length ?? 0), 0),
      dg2: r.files.DG2?.length ?? 0,
      wireBytes: pn532.stats.bytesOut - before.out + (pn532.stats.bytesIn - before.in),
      le: r.le,
      protocol: r.accessControl.protocol,
      apdus: sim.stats.apdus - before.apdus,
      perFileMs: r.timings.perFileMs,
    };
  } finally {
    pn532.close();
    await link.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    await pty.dispose();
  }
}

const wireMs = (bytes: number): number => (bytes * 10 * 1000) / BAUD;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]): number => Math.min(...xs);
const fmt = (xs: number[]): string => `median ${median(xs).toFixed(2)}, best ${best(xs).toFixed(2)}`;

async function bench1(label: string, passport: GeneratedPassport, transportOpts: Omit<Pn532CardTransportOptions, 'pn532'>): Promise<void> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(passport, transportOpts));
  const r = runs.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  const payloadMs = wireMs(r.payload);
  const allMs = wireMs(r.wireBytes);
  console.log(
    [
      `${label}: ${r.payload} payload bytes (DG2 ${r.dg2}), Le ${r.le}, ${r.protocol}, ${r.apdus} APDUs; ${RUNS} runs`,
      `  total ms: ${fmt(runs.map((x) => x.totalMs))} (access control ${fmt(runs.map((x) => x.accessMs))}); payload on the wire ${payloadMs.toFixed(0)} ms`,
      `  GOAL ratio total / payload wire time: ${fmt(runs.map((x) => x.totalMs / payloadMs))} (files only: ${fmt(runs.map((x) => (x.totalMs - x.accessMs) / payloadMs))}; goal <= 1.15)`,
      `  diagnostic ratio total / wire time of all bytes exchanged (${r.wireBytes} bytes, ${allMs.toFixed(0)} ms): ${fmt(runs.map((x) => x.totalMs / wireMs(x.wireBytes)))}`,
      `  payload bytes per wire byte: ${(r.payload / r.wireBytes).toFixed(3)} (${r.wireBytes} wire bytes, both directions)`,
      `  floor of the ratio set by framing and secure messaging alone (wire bytes / payload bytes, no latency, no chip time): ${(r.wireBytes / r.payload).toFixed(2)}`,
      `  per file ms (best run): ${JSON.stringify(Object.fromEntries(Object.entries(r.perFileMs).map(([k, v]) => [k, Math.round(v)])))}`,
    ].join('\n'),
  );
}

export default async function bench(): Promise<void> {
  const pace = await generatePassport();
  const bac = await generatePassport({ accessControl: { bac: true } });
  await bench1('PACE (brainpoolP256r1, AES-128), Le 223 (default)', pace, {});
  await bench1('BAC (3DES), Le 223 (default)', bac, {});
  await bench1('BAC (3DES), Le 239 (extended PN532 frames)', bac, { maxLe: 239 });
  await bench1('PACE (brainpoolP256r1, AES-128), extended length (Le up to 65536, MI chaining)', pace, { extendedLength: true });
  await bench1('BAC (3DES), extended length (Le up to 65536, MI chaining)', bac, { extendedLength: true });
}
