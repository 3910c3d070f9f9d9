/**
 * The public types of the document checks (the kiosk core imports only these).
 * Evidence follows ARCHITECTURE.md: {check, status, score?, threshold?, modelVersion?, reasonCode}
 * plus the image regions the check used, for the officer's view.
 */
import type { Logger } from '../base/log.js';
import type { MrzResult } from '../mrz/types.js';

export type CheckName =
  | 'image-sharpness'
  | 'image-glare'
  | 'image-exposure'
  | 'image-crop'
  | 'face-present'
  | 'mrz-ocr'
  | 'mrz-vs-scanner'
  | 'mrz-vs-chip'
  | 'face-match';

export const CHECK_NAMES: readonly CheckName[] = [
  'image-sharpness',
  'image-glare',
  'image-exposure',
  'image-crop',
  'face-present',
  'mrz-ocr',
  'mrz-vs-scanner',
  'mrz-vs-chip',
  'face-match',
];

export type CheckStatus = 'pass' | 'fail' | 'inconclusive' | 'not-run';

export type RegionKind = 'frame' | 'portrait' | 'face' | 'mrz' | 'mrz-line';

/** A region of the page image in its own pixels (x right, y down). `points` for a rotated quad. */
export interface Region {
  kind: RegionKind;
  x: number;
  y: number;
  w: number;
  h: number;
  points?: [number, number][];
}

/** Stable reason codes; every UI language maps them to plain text. */
export type ReasonCode =
  | 'OK'
  | 'IMAGE_BLURRED'
  | 'IMAGE_GLARE'
  | 'IMAGE_UNDEREXPOSED'
  | 'IMAGE_OVEREXPOSED'
  | 'IMAGE_CROPPED'
  | 'IMAGE_BLANK'
  | 'IMAGE_UNREADABLE'
  | 'FACE_NOT_FOUND'
  | 'FACE_UNCERTAIN'
  | 'MRZ_NOT_FOUND'
  | 'MRZ_INVALID'
  | 'MRZ_MISMATCH'
  | 'MRZ_OCR_UNAVAILABLE'
  | 'NO_SCANNER_MRZ'
  | 'NO_CHIP_DG1'
  | 'REFERENCE_MRZ_INVALID'
  | 'FACE_MATCH_UNAVAILABLE'
  | 'MODEL_MANIFEST_INVALID'
  | 'MODEL_MISSING'
  | 'MODEL_CHECKSUM_MISMATCH'
  | 'MODEL_LOAD_ERROR'
  | 'MODEL_TIMEOUT'
  | 'INFERENCE_FAILED'
  | 'INTERNAL_ERROR';

export interface Evidence {
  check: CheckName;
  status: CheckStatus;
  /** The measured value the decision was taken on (its meaning per check is in the model card). */
  score?: number;
  threshold?: number;
  /** `<model id>@<version>` of the model that produced the score. */
  modelVersion?: string;
  reasonCode: ReasonCode;
  regions: Region[];
  /** Non-personal details: measured features, which fields disagreed (names of fields, never values). */
  details?: Record<string, unknown>;
}

export interface CheckTimings {
  totalMs: number;
  decodeMs: number;
  qualityMs: number;
  faceMs: number;
  mrzMs: number;
  crossMs: number;
}

export interface CheckPageInput {
  /** PNG or JPEG bytes of the data page. */
  image: Uint8Array;
  /** The MRZ lines the document scanner read. */
  scannerMrz?: string[];
  /** The MRZ lines of the chip's DG1. */
  chipDg1Mrz?: string[];
  /** The chip's face image (DG2); only used for a face match, which needs a model we do not have. */
  chipFace?: Uint8Array;
}

export interface CheckPageResult {
  evidence: Evidence[];
  /** The MRZ read from the image after OCR repair, or null when none could be read. */
  mrz: MrzResult | null;
  /** The printed portrait: where it is, and a PNG crop for the officer's side-by-side view. */
  printedFace?: { region: Region; crop?: Uint8Array };
  timings: CheckTimings;
}

export interface DocumentChecker {
  checkPage(input: CheckPageInput): Promise<CheckPageResult>;
  close(): Promise<void>;
}

export interface DocumentCheckerOptions {
  /** Folder holding manifest.json and the model files. */
  modelsDir: string;
  /** ONNX Runtime intra-op threads (default 1). */
  threads?: number;
  /** Per inference (default 5000 ms). */
  timeoutMs?: number;
  log?: Logger;
}
