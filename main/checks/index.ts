/**
 * Document checks on the data-page image (ARCHITECTURE.md, main/checks): image quality, a face on
 * the page, MRZ OCR with main/mrz repair, cross-checks against the scanner's MRZ and the chip's DG1,
 * and the model registry. The kiosk core imports only the types.
 */
export type {
  CheckName,
  CheckPageInput,
  CheckPageResult,
  CheckStatus,
  CheckTimings,
  DocumentChecker,
  DocumentCheckerOptions,
  Evidence,
  ReasonCode,
  Region,
  RegionKind,
} from './types.js';
export { CHECK_NAMES } from './types.js';
export type { MrzResult } from '../mrz/types.js';
export { createDocumentChecker } from './checker.js';
export { ImageError, decodeImage, sniffImage, portraitCrop, MAX_PIXELS } from './image.js';
export { MODEL_IDS, readManifest, verifyModelFile, ManifestError, type Manifest, type ModelEntry, type ModelId, type ModelStatus } from './registry.js';
export { verifyModels } from './verify.js';
