/**
 * The PN532 driver and the simulated PN532 over a real pty pair (socat), at 115200 baud, with
 * garbage on the line between frames in both directions, MI chaining, and a lifted passport.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../main/base/bytes.js';
import { openSerialLink, type SerialLink } from '../../main/devices/serial/index.js';
import { Pn532, Pn532CardTransport, openPn532 } from '../../main/devices/pn532/index.js';
import { openPn532SimulatorOnPort, type Pn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { EchoCard } from '../unit/sim/pn532/fake-card.js';

describe('PN532 over a real pty pair', () => {
  let pair: PtyPair;
  let sim: Pn532SimulatorOnPort;
  let link: SerialLink;
  let pn: Pn532;
  const card = new EchoCard('A');
  const field = { card: card as EchoCard | null };

  beforeAll(async () => {
    pair = await createPtyPair();
    sim = await openPn532SimulatorOnPort({ path: pair.b, baudRate: 115200, field });
    link = await openSerialLink({ path: pair.a, baudRate: 115200 });
    pn = new Pn532({ link });
  });

  afterAll(async () => {
    pn?.close();
    await link?.close();
    await sim?.close();
    await pair?.dispose();
  });

  it('wakes the PN532, reads the firmware version and activates the card', async () => {
    const fw = await pn.init();
    expect(fw.ic).toBe(0x32);
    const tr = new Pn532CardTransport({ pn532: pn });
    const t = await tr.connect({ timeoutMs: 2000 });
    expect(t.type === 'A' && toHex(t.uid)).toBe('08123456');
  });

  it('exchanges APDUs with garbage injected between frames in both directions', async () => {
    const tr = new Pn532CardTransport({ pn532: pn });
    await tr.connect({ timeoutMs: 2000 });
    const garbage = [fromHex('55AA55'), fromHex('00FF0301'), fromHex('00FFFFFF01'), fromHex('00FF05FBD5410012340000'), fromHex('FF'), fromHex('00FF00')];
    for (let i = 0; i < 30; i++) {
      await sim.inject(garbage[i % garbage.length]!);
      if (i % 3 === 0) await link.write(garbage[(i + 1) % garbage.length]!);
      const apdu = Uint8Array.of(0x00, 0xb0, i, 0x00, 0xdf);
      expect(toHex(await tr.transmit(apdu))).toBe(toHex(apdu) + '9000');
    }
    expect(pn.stats.skippedBytes + pn.stats.formatErrors).toBeGreaterThan(0);
    expect(sim.stats.badFrames).toBeGreaterThan(0); // the host-side garbage was seen and skipped
  });

  it('chains a 1000-byte APDU and its answer with MI', async () => {
    const tr = new Pn532CardTransport({ pn532: pn });
    await tr.connect({ timeoutMs: 2000 });
    const apdu = new Uint8Array(1000).map((_, i) => (i * 13) & 0xff);
    const r = await tr.transmit(apdu);
    expect(r.length).toBe(1002);
    expect(toHex(r.subarray(0, 1000))).toBe(toHex(apdu));
  });

  it('an event loop blocked while the ACK is on its way does not make the driver resend (no double execution)', async () => {
    const stalled = new Pn532({ link, ackTimeoutMs: 50, wakeUp: false });
    let armed = false;
    // When the command reaches the PN532, block this thread (the host's side too) for 200 ms, far
    // beyond the ACK timeout, without spinning the CPU: the host's ACK timer is long due when the
    // loop runs again, and the ACK still needs a few loop turns to be read.
    const unsubscribe = sim.link.onData(() => {
      if (!armed) return;
      armed = false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    });
    try {
      const tr = new Pn532CardTransport({ pn532: stalled });
      await tr.connect({ timeoutMs: 2000 });
      const before = sim.stats.apdus;
      const apdu = fromHex('00B0000004');
      armed = true;
      expect(toHex(await tr.transmit(apdu))).toBe(toHex(apdu) + '9000');
      expect(stalled.stats.resends).toBe(0);
      expect(sim.stats.apdus - before).toBe(1); // the APDU ran once
    } finally {
      unsubscribe();
      stalled.close();
    }
  });

  it('reports CARD_LOST when the card is lifted and reconnects when it is back', async () => {
    const tr = new Pn532CardTransport({ pn532: pn, pollIntervalMs: 20 });
    await tr.connect({ timeoutMs: 2000 });
    card.inField = false;
    await expect(tr.transmit(fromHex('00B0000004'))).rejects.toMatchObject({ code: 'CARD_LOST' });
    setTimeout(() => (card.inField = true), 100);
    await tr.reconnect({ timeoutMs: 3000 });
    expect(toHex(await tr.transmit(fromHex('00B0000004')))).toBe('00B00000049000');
  });
});

describe('openPn532 (composition helper) over a pty', () => {
  it('opens, wakes and configures the PN532, then reads the card', async () => {
    const pair = await createPtyPair();
    const card = new EchoCard('B');
    const sim = await openPn532SimulatorOnPort({ path: pair.b, baudRate: 115200, field: { card } });
    try {
      const opened = await openPn532({ path: pair.a });
      expect(opened.firmware).toMatchObject({ ic: 0x32, ver: 1, rev: 6 });
      const t = await opened.transport.connect({ timeoutMs: 2000 });
      expect(t.type).toBe('B');
      expect(toHex(await opened.transport.transmit(fromHex('00A4000C023F00')))).toBe('00A4000C023F009000');
      await opened.close();
      expect(card.resets).toBeGreaterThanOrEqual(2); // activation, then InRelease on close
    } finally {
      await sim.close();
      await pair.dispose();
    }
  });

  it('rejects with PN532_NO_ACK when nothing answers on the port', async () => {
    const pair = await createPtyPair();
    try {
      await expect(openPn532({ path: pair.a, driver: { ackTimeoutMs: 30, retries: 1 } })).rejects.toMatchObject({ code: 'PN532_NO_ACK' });
    } finally {
      await pair.dispose();
    }
  });

  it('rejects with SERIAL_OPEN_FAILED for a port that does not exist', async () => {
    await expect(openPn532({ path: '/nonexistent/pn532' })).rejects.toMatchObject({ code: 'SERIAL_OPEN_FAILED' });
  });
});
