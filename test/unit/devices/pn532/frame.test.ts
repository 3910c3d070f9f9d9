import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../../main/base/bytes.js';
import { FormatError } from '../../../../main/base/errors.js';
import {
  ACK_FRAME,
  ERROR_FRAME,
  NACK_FRAME,
  Pn532FrameDecoder,
  TFI_PN532_TO_HOST,
  checksum,
  encodeCommandFrame,
  encodeInformationFrame,
  encodeResponseFrame,
  type DecoderEvent,
} from '../../../../main/devices/pn532/frame.js';

const frames = (evs: DecoderEvent[]) => evs.filter((e) => e.kind !== 'skipped');

describe('PN532 frames (UM0701-02 §6.2.1)', () => {
  it('encodes the command frames printed in the manual and seen on real modules', () => {
    // GetFirmwareVersion
    expect(toHex(encodeCommandFrame(0x02))).toBe('0000FF02FED4022A00');
    // InListPassiveTarget, 1 target, 106 kbps type A
    expect(toHex(encodeCommandFrame(0x4a, fromHex('0100')))).toBe('0000FF04FCD44A0100E100');
    // SAMConfiguration normal mode, timeout 0x14, IRQ
    expect(toHex(encodeCommandFrame(0x14, fromHex('011401')))).toBe('0000FF05FBD41401140102' + '00');
    // The response to GetFirmwareVersion from a PN532 v1.6
    expect(toHex(encodeResponseFrame(0x02, fromHex('32010607')))).toBe('0000FF06FAD50332010607E800');
    expect(toHex(ACK_FRAME)).toBe('0000FF00FF00');
    expect(toHex(NACK_FRAME)).toBe('0000FFFF0000');
    expect(toHex(ERROR_FRAME)).toBe('0000FF01FF7F8100');
  });

  it('computes LCS and DCS so the sums are 0 mod 256', () => {
    expect(checksum([0x04])).toBe(0xfc);
    expect(checksum([0xd4, 0x4a, 0x01, 0x00])).toBe(0xe1);
    expect(checksum([])).toBe(0x00);
  });

  it('uses an extended frame above LEN 255 and decodes it', () => {
    const data = new Uint8Array(300).map((_, i) => i & 0xff);
    data[0] = 0x41;
    const f = encodeInformationFrame(TFI_PN532_TO_HOST, data, { maxLength: 400 });
    expect(toHex(f.subarray(0, 8))).toBe('0000FFFFFF012DD2'); // LEN = 301 = 0x012D, LCS = -(01 + 2D)
    const d = new Pn532FrameDecoder({ maxLength: 400 });
    const evs = frames(d.push(f));
    expect(evs).toHaveLength(1);
    const ev = evs[0]!;
    expect(ev.kind === 'info' && ev.extended && ev.data.length === 300 && ev.data[299] === (299 & 0xff)).toBe(true);
  });

  it('refuses to encode more than the firmware accepts', () => {
    expect(() => encodeInformationFrame(0xd4, new Uint8Array(265))).toThrow(FormatError);
    expect(encodeInformationFrame(0xd4, new Uint8Array(264)).length).toBe(264 + 1 + 10);
  });

  it('decodes the ACK + response stream of a real PN532 byte by byte', () => {
    const stream = fromHex('0000FF00FF00 0000FF06FAD50332010607E800');
    const d = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
    const evs: DecoderEvent[] = [];
    for (const b of stream) evs.push(...d.push(Uint8Array.of(b)));
    expect(frames(evs).map((e) => e.kind)).toEqual(['ack', 'info']);
    const info = evs.find((e) => e.kind === 'info');
    expect(info?.kind === 'info' && toHex(info.data)).toBe('0332010607');
    expect(d.pending).toBeLessThanOrEqual(1);
  });

  it('decodes NACK and the error frame', () => {
    const d = new Pn532FrameDecoder();
    expect(frames(d.push(concat(NACK_FRAME, ERROR_FRAME))).map((e) => e.kind)).toEqual(['nack', 'error']);
  });

  it('re-synchronises after garbage, a bad LCS and a bad DCS', () => {
    const good = encodeResponseFrame(0x4a, fromHex('0101000408049EB36E66'));
    const badDcs = Uint8Array.from(good);
    badDcs[badDcs.length - 2] = badDcs[badDcs.length - 2]! ^ 0x01;
    const stream = concat(fromHex('55AA13 00FF0301'), badDcs, fromHex('13 FF 17'), good, fromHex('00 00 FF'));
    const d = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
    const evs = d.push(stream);
    const kinds = frames(evs).map((e) => (e.kind === 'format-error' ? e.error.code : e.kind));
    expect(kinds).toEqual(['PN532_BAD_LCS', 'PN532_BAD_DCS', 'info']);
    expect(evs.some((e) => e.kind === 'skipped')).toBe(true);
    const info = evs.find((e) => e.kind === 'info');
    expect(info?.kind === 'info' && toHex(info.data)).toBe('4B0101000408049EB36E66');
  });

  it('reports a wrong TFI and impossible lengths as typed format errors', () => {
    const d = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
    const evs = frames(d.push(concat(encodeCommandFrame(0x02), fromHex('0000FFFFFF0200FE'))));
    expect(evs.map((e) => (e.kind === 'format-error' ? e.error.code : e.kind))).toEqual(['PN532_BAD_TFI', 'PN532_BAD_LENGTH']);
  });

  it('fuzz: arbitrary bytes in arbitrary chunks never throw and give only typed events', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const d = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
        for (const c of chunks) {
          for (const ev of d.push(c)) {
            if (ev.kind === 'format-error') expect(ev.error).toBeInstanceOf(FormatError);
            else expect(['ack', 'nack', 'error', 'info', 'skipped']).toContain(ev.kind);
          }
        }
        expect(d.pending).toBeLessThanOrEqual(300);
      }),
      { numRuns: 400 },
    );
  });

  it('fuzz: a frame surrounded by random garbage (without start codes) is always found, in any chunking', () => {
    const noStart = fc.uint8Array({ maxLength: 40 }).map((g) => g.map((b) => (b === 0xff ? 0xfe : b)));
    fc.assert(
      fc.property(noStart, fc.uint8Array({ minLength: 1, maxLength: 260 }), noStart, fc.integer({ min: 1, max: 50 }), (pre, body, post, step) => {
        const frame = encodeInformationFrame(TFI_PN532_TO_HOST, body);
        const stream = concat(pre, frame, post);
        const d = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
        const evs: DecoderEvent[] = [];
        for (let i = 0; i < stream.length; i += step) evs.push(...d.push(stream.subarray(i, i + step)));
        const infos = evs.filter((e) => e.kind === 'info');
        expect(infos).toHaveLength(1);
        expect(infos[0]!.kind === 'info' && toHex(infos[0]!.data)).toBe(toHex(body));
      }),
      { numRuns: 300 },
    );
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
