import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../../main/base/errors.js';
import { xorBcc, FramerStream, type FramerEvent } from '../../../../main/devices/mrz-reader/index.js';
import { encodeMrzFrame } from '../../../../main/sim/mrz-scanner/index.js';
import { TD1, TD2, TD3, bytes, harness } from './helpers.js';

const SOH = 0x01, STX = 0x02, ETX = 0x03, CR = 0x0d, LF = 0x0a, FS = 0x1c, GS = 0x1d;

describe('plain lines', () => {
  for (const [name, end] of [['CRLF', [CR, LF]], ['CR', [CR]], ['LF', [LF]]] as const) {
    it(`a TD3 ended by ${name} is a document as soon as its second line ends`, () => {
      const h = harness('lines');
      h.push(TD3[0]!, [...end], TD3[1]!, [...end]);
      expect(h.docs).toEqual([{ lines: TD3, framing: 'lines' }]);
      expect(h.errors).toEqual([]);
    });
  }

  it('a TD1 completes at its third line, a TD2 at its second', () => {
    const h = harness('lines');
    h.push(TD1[0]!, '\r\n', TD1[1]!, '\r\n');
    expect(h.docs).toEqual([]);
    h.push(TD1[2]!, '\r\n', TD2[0]!, '\r\n', TD2[1]!, '\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([TD1, TD2]);
  });

  it('two TD1 lines and then silence are an incomplete document, never half of one', () => {
    const h = harness('lines', { lineTimeoutMs: 200 });
    h.push(TD1[0]!, '\r', TD1[1]!, '\r');
    h.clock.advance(199);
    expect(h.errors).toEqual([]);
    h.clock.advance(1);
    expect(h.docs).toEqual([]);
    expect(h.codes()).toEqual(['MRZ_INCOMPLETE_DOCUMENT']);
    expect(h.errors[0]).toBeInstanceOf(FormatError);
    expect(JSON.stringify(h.errors[0]!.details)).not.toContain('UTO');
  });

  it('one line alone is never a document', () => {
    const h = harness('lines');
    h.push(TD3[0]!, '\n');
    h.clock.advance(1000);
    expect(h.docs).toEqual([]);
    expect(h.codes()).toEqual(['MRZ_INCOMPLETE_DOCUMENT']);
  });

  it('a last line without terminator is ended by the silence', () => {
    const h = harness('lines');
    h.push(TD3[0]!, '\r\n', TD3[1]!);
    expect(h.docs).toEqual([]);
    h.clock.advance(200);
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
  });

  it('lines of another shape (a misread length) are handed on at a blank line for the parser to judge', () => {
    const h = harness('lines');
    const short = TD3[1]!.slice(0, 43);
    h.push(TD3[0]!, '\r\n', short, '\r\n', '\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([[TD3[0], short]]);
  });

  it('the inter-line timeout restarts with every byte', () => {
    const h = harness('lines', { lineTimeoutMs: 100 });
    h.push(TD3[0]!, '\r\n');
    for (const c of TD3[1]!) {
      h.clock.advance(60);
      h.push(c);
    }
    h.push('\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    expect(h.errors).toEqual([]);
  });

  it('noise bytes are dropped and reported once; the document still comes through', () => {
    const h = harness('lines');
    h.push([0x00, 0xff, 0x80], TD3[0]!, '\r\n', TD3[1]!, '\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
    expect(h.errors[0]!.details).toMatchObject({ bytes: 3 });
  });

  it('a line with non-MRZ characters spoils its document; the next one reads', () => {
    const h = harness('lines');
    h.push(TD3[0]!, '\r\n', 'L898902C36UTO7408122F12041#9ZE184226B<<<<<10', '\r\n');
    h.clock.advance(500);
    h.push(TD3[0]!, '\r\n', TD3[1]!, '\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    expect(h.codes()).toEqual(['MRZ_BAD_CHARACTERS']);
  });

  it('an endless line is reported, not buffered for ever', () => {
    const h = harness('lines');
    h.push('A'.repeat(5000), '\r\n');
    expect(h.codes()).toEqual(['MRZ_LINE_TOO_LONG']);
    h.clock.advance(500);
    expect(h.docs).toEqual([]);
  });
});

describe.each([
  ['stx-etx', STX, ETX],
  ['fs-gs', FS, GS],
] as const)('%s', (framing, start, end) => {
  it('reads a frame of CR-separated lines, with or without a last terminator, and ignores CRLF between frames', () => {
    const h = harness(framing);
    h.push(start, TD3[0]!, CR, TD3[1]!, end, '\r\n', start, TD1.join('\r\n'), '\r\n', end);
    expect(h.docs).toEqual([
      { lines: TD3, framing },
      { lines: TD1, framing },
    ]);
    expect(h.errors).toEqual([]);
  });

  it('reads a frame sent one byte at a time', () => {
    const h = harness(framing);
    for (const b of encodeMrzFrame(framing, TD2)) h.push(b);
    expect(h.docs.map((d) => d.lines)).toEqual([TD2]);
  });

  it('reports bytes outside frames as garbage, once per run', () => {
    const h = harness(framing);
    h.push('junk', 0x00, start, TD3.join('\r'), end);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
    expect(h.errors[0]!.details).toMatchObject({ bytes: 5 });
    expect(h.docs.length).toBe(1);
  });

  it('a frame that stops is a partial frame after the frame timeout, and nothing is handed out', () => {
    const h = harness(framing, { frameTimeoutMs: 1000 });
    h.push(start, TD3[0]!, CR, TD3[1]!.slice(0, 20));
    h.clock.advance(999);
    expect(h.errors).toEqual([]);
    h.clock.advance(1);
    expect(h.codes()).toEqual(['MRZ_PARTIAL_FRAME']);
    expect(h.docs).toEqual([]);
    h.push(TD3[1]!.slice(20), end);
    expect(h.docs).toEqual([]);
  });

  it('a start byte inside a frame cuts it: partial frame, then the new frame reads', () => {
    const h = harness(framing);
    h.push(start, TD3[0]!, start, TD3.join('\r'), end);
    expect(h.codes()).toEqual(['MRZ_PARTIAL_FRAME']);
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
  });

  it('a split frame (a pause shorter than the timeout) reads whole', () => {
    const h = harness(framing);
    const f = encodeMrzFrame(framing, TD3);
    h.framer.push(f.subarray(0, 30));
    h.clock.advance(300);
    h.framer.push(f.subarray(30));
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
  });

  it('empty frames, bad characters and over-long frames are errors', () => {
    const h = harness(framing, { maxFrameBytes: 200 });
    h.push(start, '\r\r', end);
    h.push(start, TD3[0]!.toLowerCase(), CR, TD3[1]!, end);
    h.push(start, 'A'.repeat(300), end);
    h.push(start, 'A<', CR, 'B', CR, 'C', CR, 'D', end);
    expect(h.codes()).toEqual(['MRZ_EMPTY_FRAME', 'MRZ_BAD_CHARACTERS', 'MRZ_FRAME_TOO_LONG', 'MRZ_TOO_MANY_LINES']);
    expect(h.docs).toEqual([]);
  });
});

describe('3M RTE native', () => {
  it('the simulator writes the layout documented in rte.ts (independent check of the bytes)', () => {
    const f = encodeMrzFrame('rte', TD3, { rteFlag: 0x41 });
    const total = 1 + 2 + 4 + (1 + 45 + 45) + 1 + 1;
    expect(f.length).toBe(total);
    expect(f[0]).toBe(SOH);
    expect(f[1]! | (f[2]! << 8)).toBe(total);
    expect([...f.subarray(3, 7)]).toEqual([0x4f, 0x55, STX, 0x41]);
    expect(f[7]).toBe(CR); // the missing top line of a two-line document
    expect(String.fromCharCode(...f.subarray(8, 52))).toBe(TD3[0]);
    expect(f[total - 2]).toBe(ETX);
    let x = 0;
    for (let i = 1; i < total - 1; i++) x ^= f[i]!;
    expect(f[total - 1]).toBe(x);
    expect(xorBcc(f, 1, total - 1)).toBe(x);
  });

  it('reads TD3, TD2 (padded to 44 with _) and TD1 frames and passes the flag on', () => {
    const h = harness('rte');
    h.framer.push(encodeMrzFrame('rte', TD3, { rteFlag: 0x31 }));
    h.framer.push(encodeMrzFrame('rte', TD2));
    h.framer.push(encodeMrzFrame('rte', TD1));
    expect(h.docs).toEqual([
      { lines: TD3, framing: 'rte', flag: 0x31 },
      { lines: TD2, framing: 'rte', flag: 0x30 },
      { lines: TD1, framing: 'rte', flag: 0x30 },
    ]);
    expect(h.errors).toEqual([]);
  });

  it('a bad BCC drops the frame with MRZ_BAD_BCC, and the next frame reads', () => {
    const h = harness('rte');
    h.framer.push(encodeMrzFrame('rte', TD3, { badBcc: true }));
    h.framer.push(encodeMrzFrame('rte', TD1));
    expect(h.codes()).toEqual(['MRZ_BAD_BCC']);
    expect(h.docs.map((d) => d.lines)).toEqual([TD1]);
  });

  it('any flipped bit in the data is caught by the BCC', () => {
    const f = encodeMrzFrame('rte', TD3);
    for (const i of [10, 60, 97]) {
      const h = harness('rte');
      const g = Uint8Array.from(f);
      g[i] = g[i]! ^ 0x04;
      h.framer.push(g);
      expect(h.docs).toEqual([]);
      expect(h.codes()).toEqual(['MRZ_BAD_BCC']);
    }
  });

  it('accepts a length word that counts the bytes after itself', () => {
    const f = Uint8Array.from(encodeMrzFrame('rte', TD3));
    const n = f.length - 3;
    f[1] = n & 0xff;
    f[2] = n >> 8;
    f[f.length - 1] = xorBcc(f, 1, f.length - 1);
    const h = harness('rte');
    h.framer.push(f);
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
  });

  it('resynchronises after noise that holds SOH, reporting the noise as garbage', () => {
    const h = harness('rte');
    h.push(0x00, SOH, 0x7f, SOH, 0x05, 'x');
    h.framer.push(encodeMrzFrame('rte', TD3));
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
  });

  it('a truncated frame is MRZ_PARTIAL_FRAME after the frame timeout', () => {
    const h = harness('rte');
    const f = encodeMrzFrame('rte', TD3);
    h.framer.push(f.subarray(0, 80));
    h.clock.advance(1000);
    expect(h.codes()).toEqual(['MRZ_PARTIAL_FRAME']);
    expect(h.docs).toEqual([]);
  });

  it('no ETX where the length says is MRZ_BAD_FRAME', () => {
    const h = harness('rte');
    const f = Uint8Array.from(encodeMrzFrame('rte', TD3));
    f[f.length - 2] = 0x41;
    h.framer.push(f);
    h.push(0, 0, 0, 0);
    expect(h.codes()[0]).toBe('MRZ_BAD_FRAME');
    expect(h.docs).toEqual([]);
  });

  it('an impossible length is garbage, not a frame', () => {
    const h = harness('rte');
    h.push(SOH, 0x02, 0x00, 'OU', STX);
    h.clock.advance(1000);
    expect(h.docs).toEqual([]);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
  });
});

describe('auto', () => {
  it('detects each framing per document, through noise', () => {
    const h = harness('auto');
    h.framer.push(encodeMrzFrame('rte', TD3));
    h.push(0x00, 0x80);
    h.framer.push(encodeMrzFrame('stx-etx', TD1));
    h.push('\r\n');
    h.framer.push(encodeMrzFrame('lines', TD2));
    h.framer.push(encodeMrzFrame('fs-gs', TD3));
    expect(h.docs.map((d) => [d.framing, d.lines])).toEqual([
      ['rte', TD3],
      ['stx-etx', TD1],
      ['lines', TD2],
      ['fs-gs', TD3],
    ]);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
  });

  it('a framing byte inside a line does not switch framing midway', () => {
    const h = harness('auto');
    h.push(TD3[0]!.slice(0, 10), STX, TD3[0]!.slice(10), '\r\n', TD3[1]!, '\r\n');
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    expect(h.codes()).toEqual(['MRZ_GARBAGE']);
  });

  it('flush() at end of input turns pending lines into a document and partial frames into errors', () => {
    const h = harness('auto');
    h.push(TD3[0]!, '\r\n', TD3[1]!);
    h.framer.flush();
    expect(h.docs.map((d) => d.lines)).toEqual([TD3]);
    h.push(STX, 'P<UTO');
    h.framer.flush();
    expect(h.codes()).toEqual(['MRZ_PARTIAL_FRAME']);
  });
});

describe('FramerStream', () => {
  it('is a Transform from bytes to framer events', async () => {
    const s = new FramerStream('auto');
    const events: FramerEvent[] = [];
    s.on('data', (e: FramerEvent) => events.push(e));
    s.write(Buffer.from(bytes(0xff, STX, TD3.join('\r'), ETX)));
    s.end();
    await new Promise((r) => s.on('end', r));
    expect(events.map((e) => e.type)).toEqual(['error', 'document']);
    expect(events[1]).toMatchObject({ type: 'document', document: { lines: TD3, framing: 'stx-etx' } });
  });
});
