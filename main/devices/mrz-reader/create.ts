import { UsageError } from '../../base/errors.js';
import { FRAMING_MODES, type Framer, type FramerOptions, type FramerSink, type FramingMode } from './framer.js';
import { LinesFramer } from './lines.js';
import { DelimitedFramer } from './delimited.js';
import { RteFramer } from './rte.js';
import { AutoFramer } from './auto.js';

/** Makes the framer of a framing mode. */
export function createFramer(mode: FramingMode, sink: FramerSink, opts: FramerOptions = {}): Framer {
  switch (mode) {
    case 'lines':
      return new LinesFramer(sink, opts);
    case 'stx-etx':
    case 'fs-gs':
      return new DelimitedFramer(mode, sink, opts);
    case 'rte':
      return new RteFramer(sink, opts);
    case 'auto':
      return new AutoFramer(sink, opts);
    default:
      throw new UsageError('BAD_FRAMING', `unknown MRZ framing; use one of ${FRAMING_MODES.join(', ')}`);
  }
}

export function isFramingMode(s: string): s is FramingMode {
  return (FRAMING_MODES as readonly string[]).includes(s);
}
