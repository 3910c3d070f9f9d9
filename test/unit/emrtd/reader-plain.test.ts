/**
 * Reader logic against a plain (no secure messaging) test chip with injected access control:
 * the Le ladder, short reads at the end, order, progress and resumption after a lift. The same
 * behaviours against the real virtual chip (BAC/PACE, secure messaging) are in reader.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KioskError } from '../../../main/base/errors.js';
import { concatBytes } from '../../../main/base/bytes.js';
import { DeviceError } from '../../../main/base/errors.js';
import { encodeTlv } from '../../../main/base/tlv.js';
import { AccessDeniedError, encodeResponseApdu, parseCommandApdu } from '../../../main/emrtd/apdu.js';
import { readPassport, type AccessResult, type ReadProgress } from '../../../main/emrtd/reader.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const MRZ = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10';

function blob(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function testFiles(dg2Size = 15000): Map<number, Uint8Array> {
  return new Map<number, Uint8Array>([
    [0x011e, encodeTlv(0x60, encodeTlv(0x5f01, enc('0107')), encodeTlv(0x5f36, enc('040000')), encodeTlv(0x5c, Uint8Array.of(0x61, 0x75)))],
    [0x0101, encodeTlv(0x61, encodeTlv(0x5f1f, enc(MRZ)))],
    [0x0102, encodeTlv(0x75, blob(dg2Size, 7))],
    [0x011d, encodeTlv(0x77, blob(1800, 3))],
  ]);
}

interface PlainChipOptions {
  maxLe?: number;
  /** Answer 6700 when Le exceeds maxLe (default) or 6Cxx with the acceptable length. */
  tooLong?: '6700' | '6C';
  /** Answer a read past the end with 6282 + what is there (default) or 6B00. */
  pastEnd?: '6282' | '6B00';
  liftAfterBytes?: number;
}

class PlainChip implements ApduTransport {
  readonly maxLe = 231;
  current: number | undefined;
  readBytes = 0;
  present = true;
  lifted = false;
  log: string[] = [];
  reconnects = 0;
  constructor(
    readonly files: Map<number, Uint8Array>,
    readonly o: PlainChipOptions = {},
  ) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (!this.present) throw new DeviceError('CARD_LOST', 'the card left the field');
    const c = parseCommandApdu(command);
    if (c.ins === 0xa4) {
      const fid = (c.data[0]! << 8) | c.data[1]!;
      this.log.push(`SELECT ${fid.toString(16)}`);
      if (!this.files.has(fid)) return encodeResponseApdu(new Uint8Array(0), 0x6a82);
      this.current = fid;
      return encodeResponseApdu(new Uint8Array(0), 0x9000);
    }
    if (c.ins === 0xb0 || c.ins === 0xb1) {
      const f = this.current === undefined ? undefined : this.files.get(this.current);
      if (!f) return encodeResponseApdu(new Uint8Array(0), 0x6986);
      let off = (c.p1 << 8) | c.p2;
      if (c.ins === 0xb1) {
        // Offset in DO54.
        if (c.data[0] !== 0x54) return encodeResponseApdu(new Uint8Array(0), 0x6a80);
        off = 0;
        for (const b of c.data.subarray(2, 2 + c.data[1]!)) off = off * 256 + b;
      }
      const le = c.le ?? 256;
      this.log.push(`READ ${off} ${le}`);
      const max = this.o.maxLe ?? 256;
      if (le > max) return encodeResponseApdu(new Uint8Array(0), this.o.tooLong === '6C' ? 0x6c00 | max : 0x6700);
      if (off >= f.length) return encodeResponseApdu(new Uint8Array(0), 0x6b00);
      const data = f.subarray(off, Math.min(f.length, off + le));
      if (this.o.liftAfterBytes !== undefined && !this.lifted && this.readBytes + data.length > this.o.liftAfterBytes) {
        this.lifted = true;
        this.present = false;
        throw new DeviceError('CARD_LOST', 'the card left the field');
      }
      this.readBytes += data.length;
      if (data.length < le) return this.o.pastEnd === '6B00' ? encodeResponseApdu(new Uint8Array(0), 0x6b00) : encodeResponseApdu(data, 0x6282);
      return encodeResponseApdu(data, 0x9000);
    }
    return encodeResponseApdu(new Uint8Array(0), 0x6d00);
  }
  async reconnect(): Promise<void> {
    this.reconnects++;
    this.present = true;
    this.current = undefined;
  }
}

function plainAccess(calls: { n: number }, refuse = false) {
  return async (t: ApduTransport): Promise<AccessResult> => {
    calls.n++;
    if (refuse) throw new AccessDeniedError('The chip refused the access key (BAC): the MRZ may be misread', { protocol: 'BAC' });
    return {
      protocol: 'BAC',
      channel: { cipher: '3DES', transmit: (c) => t.transmit(c), setKeys() {} },
      timings: { totalMs: 0, cardAccessMs: 0, accessControlMs: 0, selectMs: 0 },
    };
  };
}

describe('readPassport (plain test chip)', () => {
  it('reads COM, DG1 and SOD before DG2, whole and byte-exact, with per-chunk progress', async () => {
    const files = testFiles();
    const chip = new PlainChip(files);
    const progress: ReadProgress[] = [];
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }), onProgress: (p) => progress.push(p) });
    expect(chip.log.filter((l) => l.startsWith('SELECT'))).toEqual(['SELECT 11e', 'SELECT 101', 'SELECT 11d', 'SELECT 102']);
    expect(r.files.COM).toEqual(files.get(0x011e));
    expect(r.files.DG1).toEqual(files.get(0x0101));
    expect(r.files.DG2).toEqual(files.get(0x0102));
    expect(r.files.SOD).toEqual(files.get(0x011d));
    expect(r.dg1?.lines[1]).toMatch(/^L898902C3/);
    // DG11/12/14/15 are not listed in EF.COM: not even selected.
    expect(r.fileFailures).toEqual({});
    const dg2 = progress.filter((p) => p.file === 'DG2');
    expect(dg2.at(-1)).toMatchObject({ bytesRead: files.get(0x0102)!.length, totalBytes: files.get(0x0102)!.length });
    expect(dg2.length).toBeGreaterThan(60);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.overall.bytesRead).toBeGreaterThan(progress[i - 1]!.overall.bytesRead);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.overall.fraction).toBeGreaterThanOrEqual(progress[i - 1]!.overall.fraction);
    expect(progress.at(-1)!.overall.fraction).toBeCloseTo(1, 5);
    // First read learns the length (4 bytes), then chunks of the full Le.
    const dg2Reads = chip.log.slice(chip.log.indexOf('SELECT 102') + 1).map((l) => l.split(' ').map(Number));
    expect(dg2Reads[0]).toEqual([NaN, 0, 4]);
    expect(dg2Reads[1]).toEqual([NaN, 4, 231]);
    expect(r.le).toBe(231);
    expect(r.resumes).toBe(0);
    expect(r.accessControl).toMatchObject({ protocol: 'BAC', status: 'success', runs: 1 });
    expect(Object.keys(r.timings.perFileMs)).toEqual(['COM', 'DG1', 'SOD', 'DG2']);
  });

  it('walks the Le ladder down after 6700 and keeps the size that works', async () => {
    const chip = new PlainChip(testFiles(3000), { maxLe: 100 });
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r.le).toBe(96);
    expect(r.files.DG2!.length).toBe(3004);
    // 231 → 224 → 192 → 160 → 128 → 96 only once: later chunks start at 96.
    const les = chip.log.filter((l) => l.startsWith('READ')).map((l) => Number(l.split(' ')[2]));
    expect(les.filter((x) => x > 100).length).toBe(5);
  });

  it('takes the exact length offered by 6Cxx', async () => {
    const chip = new PlainChip(testFiles(2000), { maxLe: 150, tooLong: '6C' });
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r.le).toBe(150);
    expect(r.files.DG2).toEqual(testFiles(2000).get(0x0102));
  });

  it('accepts a 6282 short read at the end of a file', async () => {
    // A file whose header claims less than it holds is read to the header's length; one that
    // ends early gives 6282 with the rest.
    const files = testFiles(500);
    const chip = new PlainChip(files);
    const readOrig = chip.transmit.bind(chip);
    let sawShort = false;
    chip.transmit = async (cmd) => {
      const r = await readOrig(cmd);
      if (r.at(-2) === 0x62 && r.at(-1) === 0x82) sawShort = true;
      return r;
    };
    // The 4-byte header read of a 2-byte file gets 6282 with the 2 bytes.
    files.set(0x010b, Uint8Array.of(0x6b, 0x00));
    files.set(0x011e, encodeTlv(0x60, encodeTlv(0x5f01, enc('0107')), encodeTlv(0x5f36, enc('040000')), encodeTlv(0x5c, Uint8Array.of(0x61, 0x75, 0x6b))));
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(sawShort).toBe(true);
    expect(r.files.DG11).toEqual(Uint8Array.of(0x6b, 0x00));
    expect(r.dg11).toEqual({ tagList: [] });
  });

  it('resumes DG2 from the last offset after the passport is lifted, re-authenticating', async () => {
    const files = testFiles(15000);
    const chip = new PlainChip(files, { liftAfterBytes: 9000 });
    const calls = { n: 0 };
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess(calls), resume: { timeoutMs: 1000 } });
    expect(r.files.DG2).toEqual(files.get(0x0102));
    expect(r.resumes).toBe(1);
    expect(calls.n).toBe(2);
    expect(chip.reconnects).toBe(1);
    // After the lift: SELECT DG2 again, then read on from the offset reached (not from 0).
    const after = chip.log.slice(chip.log.lastIndexOf('SELECT 102') + 1);
    const firstOffset = Number(after[0]!.split(' ')[1]);
    expect(firstOffset).toBeGreaterThan(6500);
    // Total bytes transferred barely exceed the file sizes: nothing was read twice.
    const total = [...files.values()].reduce((a, f) => a + f.length, 0);
    expect(chip.readBytes).toBeLessThan(total + 300);
  });

  it('gives up with the device error when resuming is off', async () => {
    const chip = new PlainChip(testFiles(3000), { liftAfterBytes: 1000 });
    await expect(readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }), resume: false })).rejects.toMatchObject({
      code: 'CARD_LOST',
    });
  });

  it('passes AccessDeniedError through for a wrong key', async () => {
    const chip = new PlainChip(testFiles());
    await expect(readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }, true) })).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('reports a missing mandatory file and keeps going', async () => {
    const files = testFiles(300);
    files.delete(0x011d);
    const r = await readPassport(new PlainChip(files), { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r.fileFailures.SOD).toMatchObject({ code: 'FILE_NOT_FOUND', sw: '6A82' });
    expect(r.files.DG2).toBeDefined();
  });

  it('records a file the chip refuses to read or that ends before its header says, and reads the others', async () => {
    const files = testFiles(300);
    files.set(0x011d, Uint8Array.of(0x77, 0x82, 0x10, 0x00, 1, 2, 3)); // declares 4096 bytes, holds 3
    const chip = new PlainChip(files);
    const orig = chip.transmit.bind(chip);
    chip.transmit = async (cmd) => (chip.current === 0x0101 && cmd[1] === 0xb0 ? encodeResponseApdu(new Uint8Array(0), 0x6982) : orig(cmd));
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r.fileFailures.DG1).toMatchObject({ code: 'STATUS_WORD', sw: '6982' });
    expect(r.fileFailures.SOD).toMatchObject({ code: 'READ_PAST_END' });
    expect(r.files.DG2).toEqual(files.get(0x0102));
    // Also when the header read itself hits the end (a 3-byte file that declares 16).
    files.set(0x011d, Uint8Array.of(0x77, 0x10, 0x01));
    const r2 = await readPassport(new PlainChip(files), { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r2.fileFailures.SOD).toMatchObject({ code: 'READ_PAST_END' });
  });

  it('keeps the bytes of a file that does not parse and says why', async () => {
    const files = testFiles(300);
    files.set(0x0101, encodeTlv(0x61, encodeTlv(0x5f1f, enc('SHORT'))));
    const r = await readPassport(new PlainChip(files), { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }) });
    expect(r.files.DG1).toEqual(files.get(0x0101));
    expect(r.parseErrors.DG1?.code).toBe('LDS_BAD_MRZ_LENGTH');
    expect(r.dg1).toBeUndefined();
  });

  it('reads a file whose length needs a longer header (83 xx xx xx)', async () => {
    const files = testFiles(300);
    const big = concatBytes(Uint8Array.of(0x75, 0x83, 0x01, 0x00, 0x00), blob(65536, 1));
    files.set(0x0102, big);
    const chip = new PlainChip(files);
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }), files: ['DG2'] });
    expect(r.files.DG2).toEqual(big);
    // Offsets of 32768 and above go with READ BINARY B1 (offset in DO54).
    expect(chip.log.some((l) => l.startsWith('READ 32') && Number(l.split(' ')[1]) >= 32768)).toBe(true);
  });

  it('lets afterAccess read a file (DG14 for Chip Authentication) that the main read then does not read again', async () => {
    const files = testFiles(300);
    files.set(0x010e, encodeTlv(0x6e, encodeTlv(0x31, encodeTlv(0x30, Uint8Array.of(0x06, 0x01, 0x2a)))));
    files.set(0x011e, encodeTlv(0x60, encodeTlv(0x5f01, enc('0107')), encodeTlv(0x5f36, enc('040000')), encodeTlv(0x5c, Uint8Array.of(0x61, 0x75, 0x6e))));
    const chip = new PlainChip(files);
    let early: Uint8Array | undefined;
    const r = await readPassport(chip, { kind: 'mrz', mrzInformation: 'x' }, {
      access: plainAccess({ n: 0 }),
      afterAccess: async (session) => {
        const got = await session.readFile('DG14');
        if (got instanceof Uint8Array) early = got;
      },
    });
    expect(early).toEqual(files.get(0x010e));
    expect(r.files.DG14).toEqual(files.get(0x010e));
    expect(r.dg14?.infos[0]?.oid).toBe('1.2');
    expect(chip.log.filter((l) => l === 'SELECT 10e')).toHaveLength(1);
    expect(chip.log.indexOf('SELECT 10e')).toBeLessThan(chip.log.indexOf('SELECT 11e'));
  });

  it('under random chip answers, fails only with typed errors and never loops forever', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(0x9000, 0x6282, 0x6700, 0x6b00, 0x6c10, 0x6c00, 0x6a82, 0x6982, 0x6f00, 0x6100)), {
          minLength: 1,
          maxLength: 30,
        }),
        async (answers) => {
          let i = 0;
          const t: ApduTransport = {
            maxLe: 231,
            async transmit() {
              const [data, sw] = answers[i++ % answers.length]!;
              if (i > 5000) throw new Error('reader loops');
              return encodeResponseApdu(data, sw);
            },
          };
          try {
            await readPassport(t, { kind: 'mrz', mrzInformation: 'x' }, { access: plainAccess({ n: 0 }), resume: false });
          } catch (e) {
            if (!(e instanceof KioskError)) throw e;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
