/**
 * Whole chip stack over a real pty pair: readPassport (emrtd) → Pn532CardTransport → Pn532 driver
 * → socat pty → simulated PN532 → virtual eMRTD chip. PACE and BAC with secure messaging, and a
 * passport lifted mid-read (CARD_LOST, reconnect, resume), at 115200 baud with paced bytes.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSerialLink } from '../../main/devices/serial/index.js';
import { Pn532, Pn532CardTransport } from '../../main/devices/pn532/index.js';
import { readPassport } from '../../main/emrtd/reader.js';
import { createVirtualChip, type ChipFaults, type VirtualChip } from '../../main/sim/chip/index.js';
import { generatePassport, type GeneratedPassport } from '../../main/sim/passport/index.js';
import { openPn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { createPtyPair } from '../helpers/pty.js';

let withPace: GeneratedPassport;
let bacOnly: GeneratedPassport;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  withPace = await generatePassport();
  bacOnly = await generatePassport({ accessControl: { bac: true } });
}, 60_000);

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stack(chip: VirtualChip, transportOpts: { extendedLength?: boolean } = {}) {
  const pair = await createPtyPair();
  const sim = await openPn532SimulatorOnPort({ path: pair.b, baudRate: 115200, field: { card: chip } });
  const link = await openSerialLink({ path: pair.a, baudRate: 115200 });
  const pn = new Pn532({ link });
  cleanups.push(async () => {
    pn.close();
    await link.close();
    await sim.close();
    await pair.dispose();
  });
  await pn.init();
  const transport = new Pn532CardTransport({ pn532: pn, pollIntervalMs: 50, ...transportOpts });
  await transport.connect({ timeoutMs: 3000 });
  return { transport, sim, pn };
}

function chipFor(p: GeneratedPassport, faults: ChipFaults = {}, kind: 'A' | 'B' = 'A'): VirtualChip {
  return createVirtualChip({ files: p.files, mrzInformation: p.mrzInformation, can: p.can, accessControl: p.accessControl, faults, kind });
}

describe('readPassport through the PN532 over a pty', () => {
  it('reads by PACE, every file byte-exact', async () => {
    const { transport, pn } = await stack(chipFor(withPace));
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: withPace.mrzInformation }, { files: ['COM', 'DG1', 'SOD', 'DG2'] });
    expect(r.accessControl.protocol).toBe('PACE');
    expect(r.files.COM).toEqual(withPace.files.get(0x011e));
    expect(r.files.DG1).toEqual(withPace.files.get(0x0101));
    expect(r.files.DG2).toEqual(withPace.files.get(0x0102));
    expect(r.files.SOD).toEqual(withPace.files.get(0x011d));
    expect(r.le).toBe(transport.maxLe);
    expect(pn.stats.resends).toBe(0);
  });

  it('reads with extended-length READ BINARY (Le up to 65536): the answer comes in 262-byte MI parts', async () => {
    const chip = chipFor(bacOnly);
    const { transport, pn } = await stack(chip, { extendedLength: true });
    expect(transport.maxLe).toBe(65536);
    const apdusBefore = chip.stats.apdus;
    const commandsBefore = pn.stats.commands;
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: bacOnly.mrzInformation }, { files: ['COM', 'DG1', 'DG2'] });
    expect(r.files.DG1).toEqual(bacOnly.files.get(0x0101));
    expect(r.files.DG2).toEqual(bacOnly.files.get(0x0102));
    expect(r.le).toBe(65536);
    const dg2 = bacOnly.files.get(0x0102)!.length;
    expect(dg2).toBeGreaterThan(4 * 262);
    // DG2's body came in one READ BINARY: its answer needed about dg2 / 262 InDataExchange commands.
    // (Under heavy machine load a late answer can add a resume: access control and a re-read.)
    const apdus = chip.stats.apdus - apdusBefore;
    expect(apdus).toBeLessThan(20 + 12 * r.resumes);
    expect(transport.extendedLength).toBe(true);
    expect(pn.stats.commands - commandsBefore).toBeGreaterThanOrEqual(apdus + Math.floor(dg2 / 262));
  });

  it('reads by BAC', async () => {
    const { transport } = await stack(chipFor(bacOnly));
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: bacOnly.mrzInformation }, { files: ['COM', 'DG1'] });
    expect(r.accessControl.protocol).toBe('BAC');
    expect(r.files.DG1).toEqual(bacOnly.files.get(0x0101));
  });

  it('reads a type B chip by BAC', async () => {
    const { transport } = await stack(chipFor(bacOnly, {}, 'B'));
    expect(transport.target?.type).toBe('B');
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: bacOnly.mrzInformation }, { files: ['COM', 'DG1'] });
    expect(r.files.DG1).toEqual(bacOnly.files.get(0x0101));
  });

  it('resumes after the passport is lifted mid-read (CARD_LOST → reconnect)', async () => {
    const chip = chipFor(bacOnly, { liftAfterBytes: 3000, backAfterMs: 300 });
    const { transport } = await stack(chip);
    const r = await readPassport(transport, { kind: 'mrz', mrzInformation: bacOnly.mrzInformation }, { files: ['COM', 'DG1', 'DG2'], resume: { timeoutMs: 5000 } });
    // One lift; under heavy machine load a late ACK can add a resume (secure messaging re-run).
    expect(r.resumes).toBeGreaterThanOrEqual(1);
    expect(r.files.DG2).toEqual(bacOnly.files.get(0x0102));
    expect(chip.stats.lifts).toBe(1);
  });
});
