/** The PN532 driver and APDU transport against the simulated PN532 over an in-memory link pair. */
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../main/base/bytes.js';
import { DeviceError, KioskError, TimeoutError } from '../../../../main/base/errors.js';
import { createLinkPair, type ByteLink, type LinkStatus } from '../../../../main/devices/link.js';
import { Pn532, Pn532CardTransport, type Pn532Options } from '../../../../main/devices/pn532/index.js';
import { startPn532Simulator, type Pn532Field, type Pn532SimulatorOptions } from '../../../../main/sim/pn532/index.js';
import { EchoCard } from './fake-card.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rig(card: EchoCard | null, o: { sim?: Partial<Pn532SimulatorOptions>; drv?: Partial<Pn532Options>; hostLink?: (l: ByteLink) => ByteLink } = {}) {
  const [hostEnd, devEnd] = createLinkPair();
  const field: Pn532Field = { card };
  const sim = startPn532Simulator({ link: devEnd, baudRate: 115200, field, ...o.sim });
  const link = o.hostLink ? o.hostLink(hostEnd) : hostEnd;
  const pn = new Pn532({ link, baudRate: 115200, ...o.drv });
  cleanups.push(async () => {
    pn.close();
    await sim.stop();
  });
  return { pn, sim, field, devEnd, hostEnd };
}

async function ready(pn: Pn532): Promise<void> {
  await pn.init();
}

describe('Pn532 driver ⇄ simulated PN532', () => {
  it('wakes the sleeping PN532 with the HSU preamble, then reads the firmware version', async () => {
    const { pn, sim } = rig(new EchoCard());
    expect(sim.asleep).toBe(true);
    const fw = await pn.init();
    expect(fw).toMatchObject({ ic: 0x32, ver: 1, rev: 6 });
    expect(sim.asleep).toBe(false);
    expect(pn.stats.resends).toBe(0);
    expect(sim.stats.lostWhileAsleep).toBeGreaterThan(0); // part of the preamble was eaten by the wake-up
  });

  it('without the wake-up preamble the first frame is lost; the driver resends (with the preamble) and succeeds', async () => {
    const { pn, sim } = rig(new EchoCard(), { drv: { wakeUp: false } });
    await pn.getFirmwareVersion();
    expect(pn.stats.resends).toBeGreaterThanOrEqual(1);
    expect(sim.stats.commands).toBe(1);
  });

  it('activates a type A ISO/IEC 14443-4 card and exchanges APDUs through the transport', async () => {
    const card = new EchoCard('A');
    const { pn } = rig(card);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn });
    const t = await tr.connect({ timeoutMs: 1000 });
    expect(t.type).toBe('A');
    if (t.type !== 'A') return;
    expect(toHex(t.uid)).toBe('08123456');
    expect(toHex(t.sensRes)).toBe('0008'); // air order 08 00 → PN532 order 00 08
    expect(t.sak).toBe(0x20);
    expect(toHex(t.ats!)).toBe('0578807002');
    const apdu = fromHex('00A4040C07A0000002471001');
    expect(toHex(await tr.transmit(apdu))).toBe(toHex(apdu) + '9000');
    expect(tr.maxLe).toBe(0xdf);
    expect(card.resets).toBeGreaterThanOrEqual(1); // activation resets the chip's session
  });

  it('activates a type B card (BrTy 03, AFI) and parses ATQB and ATTRIB_RES', async () => {
    const card = new EchoCard('B');
    const { pn } = rig(card);
    await ready(pn);
    expect(await pn.inListPassiveTarget('A')).toEqual([]);
    const [t] = await pn.inListPassiveTarget('B', { afi: 0x00 });
    expect(t?.type).toBe('B');
    if (t?.type !== 'B') return;
    expect(toHex(t.uid)).toBe('A1B2C3D4');
    expect(toHex(t.protocolInfo)).toBe('0081E1');
    expect(toHex(t.attribRes)).toBe('10');
    const tr = new Pn532CardTransport({ pn532: pn });
    await tr.connect({ timeoutMs: 500 });
    expect(tr.target?.type).toBe('B');
    expect(toHex(await tr.transmit(fromHex('00B0000004')))).toBe('00B00000049000');
  });

  it('chains long APDUs both ways with the MI bit', async () => {
    const card = new EchoCard('A');
    const { pn } = rig(card);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn });
    await tr.connect({ timeoutMs: 500 });
    for (const n of [251, 252, 253, 262, 263, 600, 2000]) {
      const apdu = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
      const before = pn.stats.commands;
      const r = await tr.transmit(apdu);
      expect(r.length).toBe(n + 2);
      expect(toHex(r.subarray(0, n))).toBe(toHex(apdu));
      const frames = pn.stats.commands - before;
      // DataOut in chunks of 252, the answer (n + 2) in parts of 262.
      expect(frames).toBe(Math.ceil(n / 252) + Math.ceil((n + 2) / 262) - 1);
    }
    expect(card.apdus).toBe(7);
  });

  it('with maxChunk 262 the driver sends extended frames, which the PN532 accepts', async () => {
    const card = new EchoCard('A');
    const { pn } = rig(card, { drv: { maxChunk: 262 } });
    await ready(pn);
    await pn.inListPassiveTarget('A');
    const apdu = new Uint8Array(600).map((_, i) => i & 0xff);
    const before = pn.stats.commands;
    const r = await pn.inDataExchange(1, apdu);
    expect(toHex(r)).toBe(toHex(apdu) + '9000');
    expect(pn.stats.commands - before).toBe(3 + 3 - 1);
    expect(() => new Pn532({ link: createLinkPair()[0], maxChunk: 263 })).toThrow(expect.objectContaining({ code: 'PN532_BAD_OPTIONS' }) as unknown as Error);
  });

  it('times out a slow chip with TIMEOUT (card still there), aborts it, and keeps working', async () => {
    const card = new EchoCard('A');
    const { pn, sim } = rig(card);
    await ready(pn);
    await pn.inListPassiveTarget('A');
    card.chipTimeMs = 400;
    const err = await pn.inDataExchange(1, fromHex('0084000008'), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as KioskError).code).toBe('TIMEOUT');
    for (let i = 0; i < 100 && sim.stats.aborts === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats.aborts).toBeGreaterThanOrEqual(1);
    card.chipTimeMs = 0;
    expect(toHex(await pn.inDataExchange(1, fromHex('0084000008')))).toBe('00840000089000');
  });

  it('reports CARD_LOST when the passport is lifted mid-read, then reconnect() waits for it to come back', async () => {
    const card = new EchoCard('A');
    const { pn, field } = rig(card);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn, pollIntervalMs: 20 });
    await tr.connect({ timeoutMs: 500 });
    card.liftAfter = 2;
    card.chipTimeMs = 5;
    await tr.transmit(fromHex('00B0000010'));
    await tr.transmit(fromHex('00B0001010'));
    const err = await tr.transmit(fromHex('00B0002010')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as KioskError).code).toBe('CARD_LOST');
    // Still lost, even though we ask again.
    await expect(tr.transmit(fromHex('00B0002010'))).rejects.toMatchObject({ code: 'CARD_LOST' });
    // Nothing comes back in time.
    await expect(tr.reconnect({ timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    // The passport is put back after 150 ms.
    card.liftAfter = undefined;
    setTimeout(() => {
      card.inField = true;
    }, 150);
    const resetsBefore = card.resets;
    await tr.reconnect({ timeoutMs: 2000 });
    expect(card.resets).toBeGreaterThan(resetsBefore);
    expect(toHex(await tr.transmit(fromHex('00B0002010')))).toBe('00B00020109000');
    // A card swapped for another object in the field is a new card: the old target is lost.
    const other = new EchoCard('A');
    field.card = other;
    await expect(tr.transmit(fromHex('00B0000001'))).rejects.toMatchObject({ code: 'CARD_LOST' });
    await tr.reconnect({ timeoutMs: 500 });
    expect(toHex(await tr.transmit(fromHex('00B0000001')))).toBe('00B00000019000');
  });

  it('finds no card in an empty field and times out connect()', async () => {
    const { pn } = rig(null);
    await ready(pn);
    expect(await pn.inListPassiveTarget('A')).toEqual([]);
    const tr = new Pn532CardTransport({ pn532: pn, pollIntervalMs: 10 });
    await expect(tr.connect({ timeoutMs: 60 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(tr.transmit(fromHex('00A4000C'))).rejects.toMatchObject({ code: 'NO_CARD' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(tr.connect({ timeoutMs: 5000, signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('with endless passive retries (0xFF), a host timeout aborts InListPassiveTarget with an ACK', async () => {
    const { pn, sim, field } = rig(null);
    await pn.samConfiguration();
    await pn.setMaxRetries({ passiveActivation: 0xff });
    await expect(pn.inListPassiveTarget('A', { timeoutMs: 80 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    // The abort ACK takes its time on the (paced) line; on a busy machine more than a fixed 20 ms.
    for (let i = 0; i < 100 && sim.stats.aborts === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats.aborts).toBe(1);
    field.card = new EchoCard('A');
    const [t] = await pn.inListPassiveTarget('A', { timeoutMs: 500 });
    expect(t?.type).toBe('A');
  });

  it('maps status errors to typed errors with their UM0701 names', async () => {
    const { pn } = rig(new EchoCard('A'));
    await ready(pn);
    // No target listed yet: InDataExchange is not acceptable in this context (0x27).
    const err = await pn.inDataExchange(1, fromHex('00A4000C')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as KioskError).code).toBe('PN532_COMMAND_NOT_ACCEPTABLE');
    expect((err as KioskError).details.status).toBe('0x27');
    await expect(pn.inRelease(1)).rejects.toMatchObject({ code: 'PN532_COMMAND_NOT_ACCEPTABLE' });
    // An unknown command gets the syntax error frame.
    await expect(pn.command(0x58, Uint8Array.of(0x00))).rejects.toMatchObject({ code: 'PN532_SYNTAX_ERROR' });
    // InDeselect then InDataExchange: not acceptable; InRelease(0) always fine.
    await pn.inListPassiveTarget('A');
    await pn.inDeselect(0);
    await expect(pn.inDataExchange(1, fromHex('00'))).rejects.toMatchObject({ code: 'PN532_COMMAND_NOT_ACCEPTABLE' });
    await pn.inRelease(0);
  });

  it('runs one command at a time when callers overlap', async () => {
    const card = new EchoCard('A');
    card.chipTimeMs = 3;
    const { pn } = rig(card);
    await ready(pn);
    await pn.inListPassiveTarget('A');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pn.inDataExchange(1, Uint8Array.of(0x00, 0xb0, 0x00, i, 0x01))));
    results.forEach((r, i) => expect(toHex(r)).toBe(toHex(Uint8Array.of(0x00, 0xb0, 0x00, i, 0x01, 0x90, 0x00))));
  });

  it('survives garbage between frames and inside the idle line', async () => {
    const card = new EchoCard('A');
    const { pn, sim } = rig(card);
    await ready(pn);
    await pn.inListPassiveTarget('A');
    const garbage = [fromHex('55AA'), fromHex('00FF0301'), fromHex('00FFFFFF0102'), fromHex('00FF05FB D5 41 00 12 34 00'), fromHex('FF00FF')];
    for (let i = 0; i < 25; i++) {
      await sim.inject(garbage[i % garbage.length]!);
      const apdu = Uint8Array.of(0x00, 0xb0, 0x00, i, 0x20);
      expect(toHex(await pn.inDataExchange(1, apdu))).toBe(toHex(apdu) + '9000');
    }
    expect(pn.stats.skippedBytes + pn.stats.formatErrors).toBeGreaterThan(0);
  });

  it('line noise option: garbage before every 3rd frame, the driver still reads every answer', async () => {
    const card = new EchoCard('A');
    const { pn, sim } = rig(card, { sim: { lineNoise: { everyFrames: 3 } } });
    await ready(pn);
    await pn.inListPassiveTarget('A');
    for (let i = 0; i < 20; i++) {
      const apdu = Uint8Array.of(0x00, 0xb0, 0x00, i, 0x10);
      expect(toHex(await pn.inDataExchange(1, apdu))).toBe(toHex(apdu) + '9000');
    }
    expect(sim.stats.noiseBytes).toBeGreaterThan(0);
    expect(pn.stats.formatErrors).toBeGreaterThan(0);
    expect(pn.stats.resends).toBe(0);
  });

  it('asks for a corrupted response again with NACK and gets it', async () => {
    let corrupt = 1;
    const card = new EchoCard('A');
    const { pn, sim } = rig(card, {
      hostLink: (l) => ({
        write: (d) => l.write(d),
        onData: (fn) =>
          l.onData((chunk) => {
            // Flip one data byte of the first InDataExchange answer (D5 41 ...) after the LCS check.
            const s = toHex(chunk);
            const at = s.indexOf('D541');
            if (corrupt > 0 && at >= 0 && at % 2 === 0) {
              corrupt--;
              const c = Uint8Array.from(chunk);
              const i = at / 2 + 3;
              if (i < c.length) c[i] = c[i]! ^ 0x40;
              fn(c);
              return;
            }
            fn(chunk);
          }),
        onStatus: (fn) => l.onStatus(fn),
        get isOpen() {
          return l.isOpen;
        },
        close: () => l.close(),
      }),
    });
    await ready(pn);
    await pn.inListPassiveTarget('A');
    const apdu = fromHex('00B0000008');
    expect(toHex(await pn.inDataExchange(1, apdu))).toBe(toHex(apdu) + '9000');
    expect(pn.stats.nacks).toBe(1);
    expect(sim.stats.nacks).toBe(1);
    expect(card.apdus).toBe(1); // the card saw the command once
  });

  it('a PN532 that answers bad checksums with the error frame: the driver resends', async () => {
    const { pn, sim, hostEnd } = rig(new EchoCard('A'), { sim: { onBadChecksum: 'error-frame', startAwake: true } });
    // A corrupted frame on the line (as if a byte was hit by noise), then a normal command.
    await hostEnd.write(fromHex('0000FF02FED4022B00'));
    await new Promise((r) => setTimeout(r, 10));
    const fw = await pn.getFirmwareVersion();
    expect(fw.ic).toBe(0x32);
    expect(sim.stats.badFrames).toBe(1);
  });

  it('after the link comes back (module re-plugged) it wakes the PN532 and replays SAMConfiguration and RF settings', async () => {
    const statusListeners = new Set<(s: LinkStatus) => void>();
    const { pn, sim } = rig(new EchoCard('A'), {
      hostLink: (l) => ({
        write: (d) => l.write(d),
        onData: (fn) => l.onData(fn),
        onStatus: (fn) => {
          statusListeners.add(fn);
          return () => statusListeners.delete(fn);
        },
        get isOpen() {
          return l.isOpen;
        },
        close: () => l.close(),
      }),
    });
    await ready(pn);
    const before = sim.stats.commands;
    for (const fn of statusListeners) fn({ state: 'reconnecting', attempt: 1 });
    for (const fn of statusListeners) fn({ state: 'open' });
    const st = await pn.getGeneralStatus();
    expect(st.fieldOn).toBe(true);
    expect(st.targets).toEqual([]);
    // SAMConfiguration + RFConfiguration (MaxRetries) + GetGeneralStatus
    expect(sim.stats.commands - before).toBe(3);
    await pn.inListPassiveTarget('A');
    const st2 = await pn.getGeneralStatus();
    expect(st2.targets).toHaveLength(1);
    expect(st2.targets[0]!.tg).toBe(1);
  });

  it('answers the housekeeping commands generic PN532 host software sends (Diagnose 00, registers, GPIO, SetParameters)', async () => {
    const { pn } = rig(new EchoCard('A'));
    await ready(pn);
    const libnfc = new TextEncoder().encode('libnfc');
    expect(toHex(await pn.command(0x00, Uint8Array.of(0x00, ...libnfc)))).toBe('00' + toHex(libnfc));
    await pn.command(0x08, fromHex('630540 633C10'));
    expect(toHex(await pn.command(0x06, fromHex('6305 633C 6301')))).toBe('401000');
    expect((await pn.command(0x0c)).length).toBe(3);
    await pn.command(0x12, Uint8Array.of(0x14));
    await expect(pn.command(0x06, fromHex('63'))).rejects.toMatchObject({ code: 'PN532_SYNTAX_ERROR' });
  });

  it('SetSerialBaudRate: the answer comes at the old rate, the new rate applies after the host ACK', async () => {
    const card = new EchoCard('A');
    const [hostEnd, devEnd] = createLinkPair();
    const sim = startPn532Simulator({ link: devEnd, baudRate: 9600, field: { card }, startAwake: true });
    const chunks: number[] = [];
    hostEnd.onData((c) => chunks.push(c.length));
    const slow = new Pn532({ link: hostEnd, wakeUp: false, baudRate: 9600 });
    await slow.inListPassiveTarget('A');
    await slow.inDataExchange(1, new Uint8Array(100));
    // At 9600 baud the line carries about 2 bytes per 2 ms: the simulator sends byte by byte.
    expect(Math.max(...chunks)).toBe(1);
    await slow.command(0x10, Uint8Array.of(0x04)); // 115200
    expect(Math.max(...chunks)).toBe(1);
    await hostEnd.write(fromHex('0000FF00FF00'));
    slow.close();
    const fast = new Pn532({ link: hostEnd, wakeUp: false, baudRate: 115200 });
    cleanups.push(async () => {
      fast.close();
      await sim.stop();
    });
    chunks.length = 0;
    await fast.inDataExchange(1, new Uint8Array(100));
    // At 115200 baud, 2 ms of line is 23 bytes.
    expect(Math.max(...chunks)).toBe(23);
  });

  it('paces its output at the baud rate: chunks of about 2 ms of line, in order', async () => {
    const card = new EchoCard('A');
    const [hostEnd, devEnd] = createLinkPair();
    const sim = startPn532Simulator({ link: devEnd, baudRate: 57600, field: { card }, startAwake: true });
    const pn = new Pn532({ link: hostEnd, wakeUp: false, baudRate: 57600 });
    cleanups.push(async () => {
      pn.close();
      await sim.stop();
    });
    const chunks: number[] = [];
    hostEnd.onData((c) => chunks.push(c.length));
    await pn.inListPassiveTarget('A');
    chunks.length = 0;
    const apdu = new Uint8Array(200).map((_, i) => i);
    expect(toHex(await pn.inDataExchange(1, apdu))).toBe(toHex(apdu) + '9000');
    // ACK (6) + answer frame (7 + 2 + 1 + 202): split into chunks of 11 bytes (57600 baud × 2 ms).
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(6 + 212);
    expect(Math.max(...chunks)).toBe(11);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(212 / 11));
  });
});

/** ATS with historical bytes: category 80, card capabilities 73 00 00 40 (extended Lc and Le fields). */
const ATS_EXTENDED = fromHex('0A788070028073000040');
/** An extended-length READ BINARY (Le 0000 = 65536) and an answer of 1000 bytes. */
const EXT_READ = fromHex('00B00000000000');

/** Answers any extended-length APDU with a plain 6700 (a chip without extended lengths). */
class ShortOnlyCard extends EchoCard {
  override transceive(apdu: Uint8Array): { response: Uint8Array; chipTimeMs: number } {
    if (apdu.length >= 7 && apdu[4] === 0x00) return { response: fromHex('6700'), chipTimeMs: 0 };
    return super.transceive(apdu);
  }
}

describe('Pn532CardTransport: extended lengths (auto, fall-backs)', () => {
  it("'auto' (default): extended lengths only for a card whose ATS declares them", async () => {
    const plain = new EchoCard('A');
    const { pn, field } = rig(plain);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn });
    expect(tr.extendedLength).toBe(false); // no card yet
    await tr.connect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(false);
    expect(tr.maxLe).toBe(0xdf);
    const ext = new EchoCard('A');
    ext.ats = ATS_EXTENDED;
    field.card = ext;
    await tr.reconnect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(true);
    expect(tr.maxLe).toBe(65536);
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    big.set(EXT_READ.subarray(0, 4));
    const r = await tr.transmit(big);
    expect(r.length).toBe(1002);
    // Type B cards have no ATS: short APDUs.
    field.card = new EchoCard('B');
    await tr.reconnect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(false);
    // false: never; a maxLe over 256 then is a usage error.
    expect(new Pn532CardTransport({ pn532: pn, extendedLength: false }).extendedLength).toBe(false);
    expect(() => new Pn532CardTransport({ pn532: pn, extendedLength: false, maxLe: 1000 })).toThrow(/maxLe/);
  });

  it('falls back to short APDUs for the card when it answers an extended APDU with a plain 6700', async () => {
    const card = new ShortOnlyCard('A');
    card.ats = ATS_EXTENDED; // declares extended lengths, but refuses them
    const { pn, field } = rig(card);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn });
    await tr.connect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(true);
    expect(toHex(await tr.transmit(EXT_READ))).toBe('6700');
    expect(tr.extendedLength).toBe(false);
    expect(tr.maxLe).toBe(0xdf);
    // A short APDU still works; another card activation tries extended lengths again.
    expect(toHex(await tr.transmit(fromHex('00B00000DF')))).toBe('00B00000DF9000');
    const other = new EchoCard('A');
    other.ats = ATS_EXTENDED;
    field.card = other;
    await tr.reconnect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(true);
  });

  it('falls back to short APDUs for the module when an extended exchange fails at the PN532 level', async () => {
    const card = new EchoCard('A');
    card.ats = ATS_EXTENDED;
    const { pn } = rig(card);
    await ready(pn);
    const tr = new Pn532CardTransport({ pn532: pn, extendedLength: true, exchangeTimeoutMs: 100 });
    await tr.connect({ timeoutMs: 1000 });
    expect(tr.maxLe).toBe(65536);
    card.chipTimeMs = 400;
    await expect(tr.transmit(EXT_READ)).rejects.toBeInstanceOf(TimeoutError);
    expect(tr.extendedLength).toBe(false);
    card.chipTimeMs = 0;
    await tr.reconnect({ timeoutMs: 1000 });
    expect(tr.extendedLength).toBe(false); // sticky for this module
    expect(tr.maxLe).toBe(0xdf);
  });
});
