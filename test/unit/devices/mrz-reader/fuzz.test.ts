import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FormatError } from '../../../../main/base/errors.js';
import { FRAMING_MODES, FRAMINGS, type Framing } from '../../../../main/devices/mrz-reader/index.js';
import { encodeMrzFrame, NOISE_BYTES } from '../../../../main/sim/mrz-scanner/index.js';
import { harness } from './helpers.js';

const MRZ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
const mrzLine = (len: number) => fc.array(fc.constantFrom(...MRZ_CHARS), { minLength: len, maxLength: len }).map((a) => a.join(''));
/** A document of a valid ICAO shape (random characters: the framers do not parse). */
const mrzDoc = fc.oneof(
  fc.array(mrzLine(30), { minLength: 3, maxLength: 3 }),
  fc.array(mrzLine(36), { minLength: 2, maxLength: 2 }),
  fc.array(mrzLine(44), { minLength: 2, maxLength: 2 }),
);
const noise = fc.array(fc.constantFrom(...NOISE_BYTES), { minLength: 0, maxLength: 6 });

/** Cuts bytes into chunks at the given fractions. */
function chunks(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, data.length]) {
    if (c > prev) out.push(data.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  return out;
}

describe('framers under arbitrary input', () => {
  it('never throw, report only FormatErrors, and hand out only whole MRZ-shaped documents', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FRAMING_MODES),
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 4 }),
        (mode, data, cuts, pauses) => {
          const h = harness(mode);
          const parts = chunks(data, cuts);
          parts.forEach((p, i) => {
            h.framer.push(p);
            if (pauses[i] !== undefined) h.clock.advance(pauses[i]!);
          });
          h.clock.advance(5000);
          h.framer.flush();
          for (const e of h.errors) expect(e).toBeInstanceOf(FormatError);
          for (const d of h.docs) {
            expect(d.lines.length).toBeGreaterThanOrEqual(d.framing === 'lines' ? 2 : 1);
            expect(d.lines.length).toBeLessThanOrEqual(3);
            for (const l of d.lines) expect(l).toMatch(/^[A-Z0-9<]+$/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('after arbitrary junk and a silence, the next frame reads exactly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FRAMINGS), mrzDoc, fc.uint8Array({ maxLength: 60 }), (framing, doc, junk) => {
        const h = harness(framing);
        h.framer.push(junk);
        h.clock.advance(5000);
        const before = h.docs.length;
        h.framer.push(encodeMrzFrame(framing, doc));
        h.clock.advance(5000);
        // Whatever the junk did, the frame sent after the silence reads exactly.
        expect(h.docs.slice(before).map((d) => d.lines)).toEqual([doc]);
      }),
      { numRuns: 200 },
    );
  });

  it('documents interleaved with noise and cut anywhere come out whole, in order, with their framing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Framing | 'auto'>(...FRAMING_MODES),
        fc.array(fc.tuple(mrzDoc, noise, fc.constantFrom(...FRAMINGS)), { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        (mode, items, cuts) => {
          const h = harness(mode);
          const sent: Array<{ lines: string[]; framing: Framing }> = [];
          const stream: number[] = [];
          for (const [doc, pre, f] of items) {
            const framing = mode === 'auto' ? f : mode;
            stream.push(...pre, ...encodeMrzFrame(framing, doc));
            sent.push({ lines: doc, framing });
          }
          for (const p of chunks(Uint8Array.from(stream), cuts)) h.framer.push(p);
          h.clock.advance(5000);
          expect(h.docs.map((d) => ({ lines: d.lines, framing: d.framing }))).toEqual(sent);
          for (const e of h.errors) expect(e.code).toBe('MRZ_GARBAGE');
        },
      ),
      { numRuns: 300 },
    );
  });
});
