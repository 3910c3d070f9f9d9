export { encodeMrzFrame, rteOpticalData, bcc, SCANNER_FRAMINGS, type ScannerFraming, type EncodeOptions, type LineEnding } from './frames.js';
export { seededRandom, noise, ocrConfuse, NOISE_BYTES, OCR_CONFUSIONS } from './faults.js';
export {
  MrzScannerSimulator,
  groupDocuments,
  type ByteSink,
  type MrzScannerFaults,
  type MrzScannerSimOptions,
  type SentDocument,
} from './simulator.js';
