export {
  FRAMINGS,
  FRAMING_MODES,
  MRZ_SHAPES,
  type Framer,
  type FramerOptions,
  type FramerSink,
  type FramedDocument,
  type Framing,
  type FramingMode,
} from './framer.js';
export { LinesFramer } from './lines.js';
export { DelimitedFramer } from './delimited.js';
export { RteFramer, xorBcc } from './rte.js';
export { AutoFramer } from './auto.js';
export { createFramer, isFramingMode } from './create.js';
export { FramerStream, type FramerEvent } from './stream.js';
export { MrzReader, type MrzDocument, type MrzReaderEvents, type MrzReaderOptions, type MrzReaderStatus } from './reader.js';
