import { ManualClock } from '../../../../main/base/clock.js';
import type { FormatError } from '../../../../main/base/errors.js';
import { createFramer, type FramedDocument, type FramerOptions, type FramingMode } from '../../../../main/devices/mrz-reader/index.js';

export const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
export const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
export const TD1 = ['I<UTOD231458907ABC<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];

export function bytes(...parts: Array<string | number | number[] | Uint8Array>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

/** A framer on a manual clock, collecting what it reports. */
export function harness(mode: FramingMode, opts: FramerOptions = {}) {
  const clock = new ManualClock();
  const docs: FramedDocument[] = [];
  const errors: FormatError[] = [];
  const framer = createFramer(mode, { document: (d) => docs.push(d), error: (e) => errors.push(e) }, { clock, ...opts });
  return {
    clock,
    docs,
    errors,
    framer,
    codes: () => errors.map((e) => e.code),
    push: (...parts: Array<string | number | number[] | Uint8Array>) => framer.push(bytes(...parts)),
  };
}
