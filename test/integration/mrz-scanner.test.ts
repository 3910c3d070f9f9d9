import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { openSerialLink, type SerialLink } from '../../main/devices/serial/index.js';
import { MrzReader, type MrzDocument, type MrzReaderStatus } from '../../main/devices/mrz-reader/index.js';
import { MrzScannerSimulator, type MrzScannerSimOptions } from '../../main/sim/mrz-scanner/index.js';
import { parseMrz, type MrzResult } from '../../main/mrz/index.js';
import type { KioskError } from '../../main/base/errors.js';

/**
 * The driver against the simulator over a real pty pair (socat): the simulator writes on end A
 * through openSerialLink, the reader reads end B through openSerialLink.
 */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/mrz-scanner/specimen-mrz.json', import.meta.url), 'utf8')) as {
  documents: Array<{ format: string; lines: string[]; valid: boolean }>;
};
const TD3 = fixture.documents.find((d) => d.format === 'TD3' && d.valid)!.lines;
const TD3_BAD = fixture.documents.find((d) => d.format === 'TD3' && !d.valid)!.lines;
const TD3_OLD = fixture.documents.filter((d) => d.format === 'TD3' && d.valid)[1]!.lines;
const TD1 = fixture.documents.find((d) => d.format === 'TD1' && d.valid)!.lines;

async function until(cond: () => boolean, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MRZ scanner over a pty pair', () => {
  let pair: PtyPair;
  let a: SerialLink;
  let b: SerialLink;
  let reader: MrzReader<MrzResult>;
  let docs: Array<MrzDocument<MrzResult>>;
  let errors: KioskError[];
  let statuses: MrzReaderStatus[];

  beforeEach(async () => {
    pair = await createPtyPair();
    a = await openSerialLink({ path: pair.a, baudRate: 115200, reconnect: { intervalMs: 50 } });
    b = await openSerialLink({ path: pair.b, baudRate: 115200, reconnect: { intervalMs: 50 } });
    reader = new MrzReader<MrzResult>(b, { parse: (lines) => parseMrz(lines), framing: 'auto' });
    docs = [];
    errors = [];
    statuses = [];
    reader.on('document', (d) => docs.push(d));
    reader.on('error', (e) => errors.push(e));
    reader.on('status', (s) => statuses.push(s));
  });

  afterEach(async () => {
    reader.stop();
    await a.close();
    await b.close();
    await pair.dispose();
  });

  const sim = (opts: Partial<MrzScannerSimOptions> & Pick<MrzScannerSimOptions, 'framing'>) => new MrzScannerSimulator(a, { baudRate: 115200, ...opts });

  for (const framing of ['lines', 'stx-etx', 'fs-gs', 'rte'] as const) {
    it(`reads the ICAO specimen TD3 and TD1 sent in ${framing} framing at 9600 baud (auto-detected)`, async () => {
      const s = sim({ framing, baudRate: 9600 });
      await s.send(TD3);
      await s.send(TD1);
      await until(() => docs.length === 2, 8000, 'two documents');
      expect(docs.map((d) => [d.framing, d.lines])).toEqual([
        [framing, TD3],
        [framing, TD1],
      ]);
      expect(docs[0]!.result).toMatchObject({ valid: true, format: 'TD3', fields: { surname: 'ERIKSSON', documentNumber: 'L898902C3' } });
      expect(docs[1]!.result).toMatchObject({ valid: true, format: 'TD1' });
      expect(errors).toEqual([]);
    });
  }

  it('garbage on the line and split frames: error events for the garbage, whole documents all the same', async () => {
    const plan = [
      ['lines', TD1],
      ['stx-etx', TD3],
      ['fs-gs', TD3_OLD],
      ['rte', TD3_BAD],
    ] as const;
    for (const [framing, lines] of plan) {
      await sim({ framing, faults: { noise: true, split: true }, seed: 7 }).send(lines);
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => docs.length === 4, 8000, 'four documents');
    expect(docs.map((d) => [d.framing, d.lines])).toEqual(plan.map(([f, l]) => [f, l]));
    expect(docs.map((d) => d.result.valid)).toEqual([true, true, true, false]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === 'MRZ_GARBAGE')).toBe(true);
  });

  it('pure garbage is error events only', async () => {
    await a.write(Uint8Array.from([0x00, 0xff, 0x13, 0x01, 0x41, 0x42, 0x02, 0x43]));
    await until(() => errors.length >= 2, 8000, 'errors');
    await new Promise((r) => setTimeout(r, 1200));
    expect(docs).toEqual([]);
    // 00 FF 13: noise; 01 'A' 'B' 02: a false RTE start (no 'O' 'U' STX), so 'A' 'B' start a line
    // that takes the STX as noise and 'C', and is never a document.
    expect(errors.map((e) => e.code)).toEqual(['MRZ_GARBAGE', 'MRZ_GARBAGE', 'MRZ_GARBAGE', 'MRZ_INCOMPLETE_DOCUMENT']);
  });

  it('a bad BCC is an error event and no document; the next good frame reads', async () => {
    await sim({ framing: 'rte', faults: { badBcc: true } }).send(TD3);
    await until(() => errors.length === 1, 8000, 'the BCC error');
    expect(errors[0]!.code).toBe('MRZ_BAD_BCC');
    await sim({ framing: 'rte' }).send(TD1);
    await until(() => docs.length === 1, 8000, 'a document');
    expect(docs[0]!.lines).toEqual(TD1);
  });

  it('the same document read again within the window is one event', async () => {
    const n = await sim({ framing: 'stx-etx' }).run([TD3], { repeat: 3, intervalMs: 100 });
    expect(n).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(docs.length).toBe(1);
  });

  it('OCR confusions come through as a document whose parse reports the repair', async () => {
    const s = sim({ framing: 'lines', faults: { ocrConfusions: true }, seed: 3 });
    const sent = await s.send(TD3);
    expect(sent.changes.length).toBe(1);
    await until(() => docs.length === 1, 8000, 'a document');
    expect(docs[0]!.lines).toEqual(sent.lines);
    expect(docs[0]!.lines).not.toEqual(TD3);
    const r = docs[0]!.result;
    // Either the engine repaired it (a correction at the confused place) or it says why it could not.
    if (r.valid) expect(r.corrections).toContainEqual(expect.objectContaining({ line: 2, column: sent.changes[0]!.column }));
    else expect(r.errors.length).toBeGreaterThan(0);
  });

  it('unplug and replug: the reader reports the loss, reconnects by itself, then reads a document', async () => {
    await sim({ framing: 'rte' }).send(TD1);
    await until(() => docs.length === 1, 8000, 'the first document');
    await pair.stop();
    await until(() => statuses.some((s) => s.state === 'disconnected'), 8000, 'disconnected');
    await until(() => statuses.some((s) => s.state === 'reconnecting'), 8000, 'reconnecting');
    expect(reader.connected).toBe(false);
    await pair.start();
    await until(() => reader.connected && a.isOpen, 8000, 'both ends open again');
    expect(statuses.at(-1)).toEqual({ state: 'connected' });
    await sim({ framing: 'stx-etx' }).send(TD3);
    await until(() => docs.length === 2, 8000, 'a document after the replug');
    expect(docs[1]!.lines).toEqual(TD3);
    expect(docs[1]!.result.valid).toBe(true);
  });
});
