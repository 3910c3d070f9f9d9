/**
 * readPassport against the virtual eMRTD chip in process (real BAC/PACE and secure messaging,
 * no PN532): the Le ladder after 6700 (small maxLe fault), 6282 at the end, resumption after a
 * lift without restarting the file, a bad MAC, and a wrong key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../../main/emrtd/apdu.js';
import { readPassport, type ReadProgress } from '../../../main/emrtd/reader.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';
import { createVirtualChip, type ChipFaults, type VirtualChip } from '../../../main/sim/chip/index.js';
import { buildEfCom, generatePassport, type GeneratedPassport } from '../../../main/sim/passport/index.js';
import { TimeoutError } from '../../../main/base/errors.js';

class InProcessTransport implements ApduTransport {
  commands: Uint8Array[] = [];
  constructor(
    readonly chip: VirtualChip,
    readonly maxLe = 223,
  ) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    this.commands.push(command);
    return this.chip.transceive(command).response;
  }
  async reconnect(opts: { timeoutMs: number }): Promise<void> {
    const end = Date.now() + opts.timeoutMs;
    while (!this.chip.present()) {
      if (Date.now() > end) throw new TimeoutError('no card came back');
      await new Promise((r) => setTimeout(r, 10));
    }
    this.chip.reset();
  }
}

let bacOnly: GeneratedPassport;
let withPace: GeneratedPassport;

beforeAll(async () => {
  withPace = await generatePassport();
  bacOnly = await generatePassport({ accessControl: { bac: true } });
});

function chipFor(p: GeneratedPassport, faults: ChipFaults = {}): VirtualChip {
  return createVirtualChip({
    files: p.files,
    mrzInformation: p.mrzInformation,
    can: p.can,
    accessControl: p.accessControl,
    faults,
    chipTimeMs: false,
  });
}

const key = (p: GeneratedPassport) => ({ kind: 'mrz' as const, mrzInformation: p.mrzInformation });

describe('readPassport against the virtual chip', () => {
  it('reads by PACE when EF.CardAccess offers it, every file byte-exact', async () => {
    const t = new InProcessTransport(chipFor(withPace));
    const r = await readPassport(t, key(withPace));
    expect(r.accessControl.protocol).toBe('PACE');
    expect(r.files.COM).toEqual(withPace.files.get(0x011e));
    expect(r.files.DG1).toEqual(withPace.files.get(0x0101));
    expect(r.files.SOD).toEqual(withPace.files.get(0x011d));
    expect(r.files.DG2).toEqual(withPace.files.get(0x0102));
    expect(r.face?.info).toMatchObject({ format: 'jpeg', width: 240, height: 320 });
    expect(r.le).toBe(223);
  });

  it('reads by BAC when the chip has no EF.CardAccess, with a CAN-less key', async () => {
    const r = await readPassport(new InProcessTransport(chipFor(bacOnly)), key(bacOnly));
    expect(r.accessControl.protocol).toBe('BAC');
    expect(r.files.DG2).toEqual(bacOnly.files.get(0x0102));
  });

  it('reads a PACE-only chip (refuses BAC) on P-384 with AES-256 and on brainpoolP512r1 with 3DES', async () => {
    for (const pace of [
      { curve: 'P-384', cipher: 'AES-256' },
      { curve: 'brainpoolP512r1', cipher: '3DES' },
    ] as const) {
      const p = await generatePassport({ accessControl: { bac: false, pace }, sod: false });
      const r = await readPassport(new InProcessTransport(chipFor(p)), key(p), { files: ['DG1', 'DG2'] });
      expect(r.accessControl.protocol).toBe('PACE');
      expect(r.files.DG2).toEqual(p.files.get(0x0102));
    }
  });

  it('reads by PACE with the CAN', async () => {
    const r = await readPassport(new InProcessTransport(chipFor(withPace)), { kind: 'can', can: withPace.can }, { files: ['DG1'] });
    expect(r.accessControl.protocol).toBe('PACE');
    expect(r.files.DG1).toEqual(withPace.files.get(0x0101));
  });

  it('steps the Le ladder down after 6700 from a chip with a small maximum Le', async () => {
    const t = new InProcessTransport(chipFor(bacOnly, { maxLe: 100 }));
    const r = await readPassport(t, key(bacOnly));
    expect(r.le).toBe(96);
    expect(r.files.DG2).toEqual(bacOnly.files.get(0x0102));
  });

  it('resumes DG2 from the last offset after the passport is lifted, without restarting the file', async () => {
    const chip = chipFor(withPace, { liftAfterBytes: 8000, backAfterMs: 150 });
    const t = new InProcessTransport(chip);
    const progress: ReadProgress[] = [];
    const r = await readPassport(t, key(withPace), { onProgress: (p) => progress.push(p), resume: { timeoutMs: 3000 } });
    expect(r.files.DG2).toEqual(withPace.files.get(0x0102));
    expect(r.resumes).toBe(1);
    expect(r.accessControl.runs).toBe(2);
    expect(chip.stats.lifts).toBe(1);
    // DG2's bytesRead never goes back to the start after the lift.
    const dg2 = progress.filter((p) => p.file === 'DG2').map((p) => p.bytesRead);
    for (let i = 1; i < dg2.length; i++) expect(dg2[i]).toBeGreaterThan(dg2[i - 1]!);
    const total = [...withPace.files.entries()].filter(([fid]) => fid !== 0x011c).reduce((a, [, f]) => a + f.length, 0);
    // Bytes served by the chip: the files once, plus at most the one chunk lost in the lift.
    expect(chip.stats.bytesRead).toBeLessThanOrEqual(total + 223 + 4);
  });

  it('re-authenticates and goes on after a bad response MAC', async () => {
    const chip = chipFor(bacOnly, { badMacAfter: 20 });
    const r = await readPassport(new InProcessTransport(chip), key(bacOnly));
    expect(r.files.DG2).toEqual(bacOnly.files.get(0x0102));
    expect(r.resumes).toBe(1);
    expect(r.accessControl.runs).toBe(2);
  });

  it('takes a 6282 short read at the end of a file (a 2-byte DG11 read with Le 4)', async () => {
    const files = new Map(bacOnly.files);
    files.set(0x011e, buildEfCom([0x61, 0x75, 0x6b]));
    files.set(0x010b, Uint8Array.of(0x6b, 0x00));
    const chip = createVirtualChip({ files, mrzInformation: bacOnly.mrzInformation, accessControl: { bac: true }, chipTimeMs: false });
    const r = await readPassport(new InProcessTransport(chip), key(bacOnly), { files: ['COM', 'DG1', 'DG11'] });
    expect(r.files.DG11).toEqual(Uint8Array.of(0x6b, 0x00));
    expect(r.dg11).toEqual({ tagList: [] });
    expect(r.files.DG2).toBeUndefined();
  });

  it('rejects a wrong MRZ key with AccessDeniedError (BAC and PACE)', async () => {
    const wrong = { kind: 'mrz' as const, mrzInformation: 'L898902C3674081223404167' };
    await expect(readPassport(new InProcessTransport(chipFor(bacOnly)), wrong)).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(readPassport(new InProcessTransport(chipFor(withPace)), wrong)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });
});
