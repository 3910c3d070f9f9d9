import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../../main/base/bytes.js';
import { createLinkPair } from '../../../../main/devices/link.js';
import { HostFrameParser, responseFrame, startPn532Simulator } from '../../../../main/sim/pn532/index.js';
import { EchoCard } from './fake-card.js';

describe('simulated PN532: wire level', () => {
  it('parses host frames: normal (incl. LEN 255), extended, ACK, NACK; rejects bad checksums', () => {
    const p = new HostFrameParser();
    const len255 = new Uint8Array(3 + 2 + 255 + 2);
    len255.set([0x00, 0x00, 0xff, 0xff, 0x01, 0xd4, 0x40]);
    let sum = 0xd4 + 0x40;
    for (let i = 7; i < 5 + 255; i++) {
      len255[i] = i & 0xff;
      sum += i & 0xff;
    }
    len255[5 + 255] = (0x100 - (sum & 0xff)) & 0xff;
    const ext = fromHex('0000FFFFFF0002FE D402 2A00'.replace(/ /g, ''));
    const evs = p.feed(new Uint8Array([...fromHex('0000FF00FF00 0000FFFF0000'.replace(/ /g, '')), ...len255, ...ext, ...fromHex('0000FF02FED4022B00 0000FF02FDD4022A00'.replace(/ /g, ''))]));
    expect(evs.map((e) => e.type + (e.type === 'bad-frame' ? ':' + e.reason : ''))).toEqual(['ack', 'nack', 'command', 'command', 'bad-frame:dcs', 'bad-frame:lcs']);
    const c = evs[2];
    expect(c?.type === 'command' && c.data.length).toBe(254);
  });

  it('encodes responses as normal frames up to LEN 255 and extended above', () => {
    expect(toHex(responseFrame(0x03, fromHex('32010607')))).toBe('0000FF06FAD50332010607E800');
    const long = responseFrame(0x41, new Uint8Array(263));
    expect(toHex(long.subarray(0, 8))).toBe('0000FFFFFF0109F6');
    expect(responseFrame(0x41, new Uint8Array(253)).subarray(3, 5)).toEqual(Uint8Array.of(0xff, 0x01));
  });

  it('fuzz: the host-frame parser never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 10 }), (chunks) => {
        const p = new HostFrameParser();
        for (const c of chunks) for (const e of p.feed(c)) expect(['ack', 'nack', 'command', 'bad-frame']).toContain(e.type);
      }),
      { numRuns: 300 },
    );
  });

  it('ACKs a command, answers, resends the last answer on NACK, and sleeps after PowerDown', async () => {
    const [host, dev] = createLinkPair();
    const sim = startPn532Simulator({ link: dev, baudRate: 115200, field: { card: new EchoCard() }, startAwake: true });
    let got = '';
    host.onData((c) => (got += toHex(c)));
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const until = async (hex: string) => {
      for (let i = 0; i < 200 && got.length < hex.length; i++) await wait(5);
    };
    await host.write(fromHex('0000FF02FED4022A00'));
    await until('0000FF00FF00' + '0000FF06FAD50332010607E800');
    expect(got).toBe('0000FF00FF00' + '0000FF06FAD50332010607E800');
    got = '';
    await host.write(fromHex('0000FFFF0000'));
    await until('0000FF06FAD50332010607E800');
    expect(got).toBe('0000FF06FAD50332010607E800');
    got = '';
    // PowerDown (WakeUpEnable = HSU): answers status 00, then sleeps; the next frame without preamble is lost.
    await host.write(fromHex('0000FF03FDD4161006 00'.replace(/ /g, '')));
    await until('0000FF00FF00' + '0000FF03FDD5170014' + '00');
    expect(got).toBe('0000FF00FF00' + '0000FF03FDD5170014' + '00');
    expect(sim.asleep).toBe(true);
    got = '';
    await host.write(fromHex('0000FF02FED4022A00'));
    await wait(50);
    expect(got).toBe('');
    await sim.stop();
  });
});
