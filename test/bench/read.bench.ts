/**
 * Chip read speed: COM + DG1 + DG2 (about 15 KB) + SOD at 115200 baud from the virtual passport
 * through the simulated PN532 over a real pty pair (the simulator paces bytes at the baud rate
 * and adds the chip's processing time). Prints, asserts nothing:
 *  - the ratio of the read time to the time the payload bytes alone need on the wire at that
 *    baud (10 bits per byte), with and without access control (goal ≤ 1.15);
 *  - payload bytes per wire byte (both directions counted).
 */
import { createPtyPair } from '../helpers/pty.js';
import { openSerialLink } from '../../main/devices/serial/index.js';
import { Pn532, Pn532CardTransport } from '../../main/devices/pn532/index.js';
import { readPassport, type ReadableFile } from '../../main/emrtd/reader.js';
import { openPn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { generatePassport, type GeneratedPassport } from '../../main/sim/passport/index.js';
import { buildChip } from '../../main/host/cli/commands/simulate-nfc.js';

const BAUD = 115200;
const FILES: ReadableFile[] = ['COM', 'DG1', 'DG2', 'SOD'];

async function once(label: string, passport: GeneratedPassport, maxLe?: number): Promise<void> {
  const pty = await createPtyPair();
  const sim = await openPn532SimulatorOnPort({ path: pty.a, baudRate: BAUD, field: { card: buildChip(passport) } });
  const link = await openSerialLink({ path: pty.b, baudRate: BAUD, reconnect: false });
  const pn532 = new Pn532({ link, baudRate: BAUD });
  try {
    await pn532.init();
    const transport = new Pn532CardTransport({ pn532, ...(maxLe ? { maxLe } : {}) });
    await transport.connect({ timeoutMs: 5000 });
    const before = { out: pn532.stats.bytesOut, in: pn532.stats.bytesIn };
    const t0 = performance.now();
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: passport.mrzInformation }, { files: FILES });
    const totalMs = performance.now() - t0;
    const payload = FILES.reduce((a, f) => a + (r.files[f]?.length ?? 0), 0);
    const wireBytes = pn532.stats.bytesOut - before.out + (pn532.stats.bytesIn - before.in);
    const payloadWireMs = (payload * 10 * 1000) / BAUD;
    const readOnlyMs = totalMs - r.timings.accessControlMs;
    console.log(
      [
        `${label}: ${payload} payload bytes (DG2 ${r.files.DG2?.length ?? 0}), Le ${r.le}, ${r.accessControl.protocol}`,
        `  total ${totalMs.toFixed(0)} ms (access control ${r.timings.accessControlMs.toFixed(0)} ms, files ${readOnlyMs.toFixed(0)} ms); payload on the wire ${payloadWireMs.toFixed(0)} ms`,
        `  ratio total / payload wire time: ${(totalMs / payloadWireMs).toFixed(2)} (files only: ${(readOnlyMs / payloadWireMs).toFixed(2)}; goal <= 1.15)`,
        `  payload bytes per wire byte: ${(payload / wireBytes).toFixed(3)} (${wireBytes} wire bytes, both directions)`,
        `  floor of the ratio set by framing and secure messaging alone (wire bytes / payload bytes, no latency): ${(wireBytes / payload).toFixed(2)}`,
        `  per file ms: ${JSON.stringify(r.timings.perFileMs)}`,
      ].join('\n'),
    );
  } finally {
    pn532.close();
    await link.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    await pty.dispose();
  }
}

export default async function bench(): Promise<void> {
  const pace = await generatePassport();
  const bac = await generatePassport({ accessControl: { bac: true } });
  await once('PACE (brainpoolP256r1, AES-128), Le 223', pace);
  await once('BAC (3DES), Le 223', bac);
  await once('BAC (3DES), Le 239 (extended PN532 frames)', bac, 239);
}
