import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../main/base/clock.js';
import { FormatError, KioskError } from '../../../../main/base/errors.js';
import { createLinkPair } from '../../../../main/devices/link.js';
import { MrzReader, type MrzDocument, type MrzReaderStatus } from '../../../../main/devices/mrz-reader/index.js';
import { encodeMrzFrame } from '../../../../main/sim/mrz-scanner/index.js';
import { TD1, TD3 } from './helpers.js';

/** Stand-in parser (the reader takes any parse function; main/mrz's parseMrz in the product). */
const parse = (lines: string[]) => ({ valid: lines.every((l) => l.length === lines[0]!.length), count: lines.length });
const tick = () => new Promise((r) => setImmediate(r));

function setup(opts: { dedupWindowMs?: number; clock?: ManualClock } = {}) {
  const [host, device] = createLinkPair();
  const clock = opts.clock ?? new ManualClock();
  const reader = new MrzReader(host, { parse, clock, ...(opts.dedupWindowMs !== undefined ? { dedupWindowMs: opts.dedupWindowMs } : {}) });
  const docs: Array<MrzDocument<ReturnType<typeof parse>>> = [];
  const errors: KioskError[] = [];
  const statuses: MrzReaderStatus[] = [];
  reader.on('document', (d) => docs.push(d));
  reader.on('error', (e) => errors.push(e));
  reader.on('status', (s) => statuses.push(s));
  const send = async (b: Uint8Array) => {
    await device.write(b);
    await tick();
  };
  return { host, device, clock, reader, docs, errors, statuses, send };
}

describe('MrzReader', () => {
  it('frames, parses and stamps each document', async () => {
    const t = setup();
    await t.send(encodeMrzFrame('rte', TD3));
    expect(t.docs).toEqual([{ lines: TD3, framing: 'rte', flag: 0x30, result: { valid: true, count: 2 }, receivedAt: t.clock.now() }]);
    expect(t.reader.connected).toBe(true);
  });

  it('the same document read twice within the window is one event; after the window it is a new one', async () => {
    const t = setup();
    await t.send(encodeMrzFrame('stx-etx', TD3));
    t.clock.advance(1000);
    await t.send(encodeMrzFrame('lines', TD3));
    t.clock.advance(1999);
    await t.send(encodeMrzFrame('stx-etx', TD3));
    expect(t.docs.length).toBe(1);
    await t.send(encodeMrzFrame('stx-etx', TD1));
    expect(t.docs.length).toBe(2);
    t.clock.advance(1);
    await t.send(encodeMrzFrame('stx-etx', TD3));
    expect(t.docs.map((d) => d.lines)).toEqual([TD3, TD1, TD3]);
  });

  it('the window is configurable, and 0 turns it off', async () => {
    const t = setup({ dedupWindowMs: 0 });
    await t.send(encodeMrzFrame('fs-gs', TD3));
    await t.send(encodeMrzFrame('fs-gs', TD3));
    expect(t.docs.length).toBe(2);
    const u = setup({ dedupWindowMs: 10_000 });
    await u.send(encodeMrzFrame('fs-gs', TD3));
    u.clock.advance(9000);
    await u.send(encodeMrzFrame('fs-gs', TD3));
    expect(u.docs.length).toBe(1);
  });

  it('garbage and bad frames are error events; the reader keeps reading', async () => {
    const t = setup();
    await t.send(Uint8Array.of(0x00, 0xff));
    await t.send(encodeMrzFrame('rte', TD3, { badBcc: true }));
    await t.send(encodeMrzFrame('rte', TD1));
    expect(t.errors.map((e) => e.code)).toEqual(['MRZ_GARBAGE', 'MRZ_BAD_BCC']);
    expect(t.errors.every((e) => e instanceof FormatError)).toBe(true);
    expect(t.docs.map((d) => d.lines)).toEqual([TD1]);
  });

  it('a parser that throws gives an error event, not a crash', async () => {
    const [host, device] = createLinkPair();
    const reader = new MrzReader(host, {
      parse: () => {
        throw new TypeError('boom');
      },
      clock: new ManualClock(),
    });
    const errors: KioskError[] = [];
    reader.on('error', (e) => errors.push(e));
    await device.write(encodeMrzFrame('lines', TD3));
    await tick();
    expect(errors.map((e) => e.code)).toEqual(['MRZ_UNPARSABLE']);
  });

  it('listeners that throw do not stop the others', async () => {
    const t = setup();
    t.reader.on('document', () => {
      throw new Error('bad listener');
    });
    const late: string[][] = [];
    t.reader.on('document', (d) => late.push(d.lines));
    await t.send(encodeMrzFrame('lines', TD3));
    expect(late).toEqual([TD3]);
  });

  it('reports the link going away, and a partial frame at that moment is an error', async () => {
    const t = setup();
    await t.send(encodeMrzFrame('stx-etx', TD3).subarray(0, 20));
    await t.host.close();
    expect(t.statuses).toEqual([{ state: 'disconnected', reason: 'closed by host' }]);
    expect(t.reader.connected).toBe(false);
    expect(t.errors.map((e) => e.code)).toEqual(['MRZ_PARTIAL_FRAME']);
    expect(t.docs).toEqual([]);
  });

  it('next() resolves with the next document, or times out with TimeoutError, or aborts', async () => {
    const t = setup();
    const p = t.reader.next({ timeoutMs: 5000 });
    await t.send(encodeMrzFrame('lines', TD3));
    await expect(p).resolves.toMatchObject({ lines: TD3 });
    const q = t.reader.next({ timeoutMs: 5000 });
    t.clock.advance(5000);
    await expect(q).rejects.toMatchObject({ code: 'TIMEOUT' });
    const ac = new AbortController();
    const r = t.reader.next({ signal: ac.signal });
    ac.abort();
    await expect(r).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('stop() detaches it from the link', async () => {
    const t = setup();
    t.reader.stop();
    await t.send(encodeMrzFrame('lines', TD3));
    expect(t.docs).toEqual([]);
  });
});
