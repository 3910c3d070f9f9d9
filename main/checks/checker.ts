/**
 * The document checker: image quality, a face on the page, the MRZ read from the page, the
 * printed MRZ against the scanner's and the chip's, and (not available) the chip photo against
 * the printed one. Each check yields Evidence; a check whose model is missing, corrupt, fails to
 * load or times out reports `not-run` with a reason code (so the kiosk core refers the traveller)
 * and never throws.
 */
import { isKioskError, TimeoutError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import { parseMrz } from '../mrz/index.js';
import type { MrzFieldName, MrzResult } from '../mrz/types.js';
import { decodeBlazeFace, FACE_INPUT, type FaceBox } from './face.js';
import { cropToNhwc, ImageError, portraitCrop } from './image.js';
import { InferenceWorker, type TensorData } from './inference.js';
import { decodeLine, layoutFor, MRZ_ALPHABET } from './mrz-decode.js';
import { CELL_SIZE, locateMrz, type Quad } from './mrz-locate.js';
import { prepareDecoded, type PreparedPage } from './preprocess.js';
import { decodeImage } from './image.js';
import { MODEL_IDS, readManifest, verifyModelFile, type Manifest, type ModelEntry, type ModelId, type ModelStatus } from './registry.js';
import type { CheckName, CheckPageInput, CheckPageResult, CheckTimings, DocumentChecker, DocumentCheckerOptions, Evidence, ReasonCode, Region } from './types.js';

interface ModelState {
  id: ModelId;
  status: ModelStatus['status'] | 'manifest-invalid';
  entry?: ModelEntry;
  modelVersion?: string;
}

const STATUS_REASON: Record<ModelState['status'], ReasonCode> = {
  ok: 'OK',
  missing: 'MODEL_MISSING',
  'not-in-manifest': 'MODEL_MISSING',
  'checksum-mismatch': 'MODEL_CHECKSUM_MISMATCH',
  'load-error': 'MODEL_LOAD_ERROR',
  'manifest-invalid': 'MODEL_MANIFEST_INVALID',
};

const QUALITY_CHECKS: CheckName[] = ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop'];

/** Default thresholds, used only for keys a manifest entry lacks. */
const DEFAULT_THRESHOLDS: Record<string, number> = {
  sharpnessMin: 0.8,
  blankGradEnergyMax: 1e-5,
  glareSaturatedMax: 0.004,
  underexposedWhiteLevelMin: 0.45,
  overexposedMeanLumaMax: 0.85,
  overexposedSaturatedMin: 0.3,
  cropBorderMax: 0.15,
  faceScoreMin: 0.75,
  faceScoreUncertain: 0.5,
};

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function scalar(t: TensorData | undefined): number {
  return t ? (t.data[0] as number) : NaN;
}

function quadRegion(kind: Region['kind'], q: Quad, scale: number): Region {
  const pts = q.points.map(([x, y]) => [round(x / scale, 1), round(y / scale, 1)] as [number, number]);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { kind, x, y, w: round(Math.max(...xs) - x, 1), h: round(Math.max(...ys) - y, 1), points: pts };
}

export async function createDocumentChecker(opts: DocumentCheckerOptions): Promise<DocumentChecker> {
  const log: Logger = opts.log ?? nullLogger;
  const worker = new InferenceWorker({ threads: opts.threads ?? 1, timeoutMs: opts.timeoutMs ?? 5000, log });
  const models = new Map<ModelId, ModelState>();
  let manifest: Manifest | null = null;
  try {
    manifest = await readManifest(opts.modelsDir);
  } catch (e) {
    log.error('model manifest unusable; model-based checks will not run', { error: e });
  }
  for (const id of MODEL_IDS) {
    if (!manifest) {
      models.set(id, { id, status: 'manifest-invalid' });
      continue;
    }
    const entry = manifest.models[id];
    if (!entry) {
      models.set(id, { id, status: 'not-in-manifest' });
      continue;
    }
    const modelVersion = `${id}@${entry.version}`;
    const { status, bytes } = await verifyModelFile(opts.modelsDir, id, entry);
    if (status.status !== 'ok' || !bytes) {
      log.error('model unusable', { model: id, status: status.status });
      models.set(id, { id, status: status.status, entry, modelVersion });
      continue;
    }
    try {
      await worker.load(id, bytes);
      models.set(id, { id, status: 'ok', entry, modelVersion });
    } catch (e) {
      log.error('model failed to load', { model: id, error: e });
      models.set(id, { id, status: 'load-error', entry, modelVersion });
    }
  }

  const th = (id: ModelId, key: string): number => {
    const v = models.get(id)?.entry?.thresholds?.[key];
    return typeof v === 'number' ? v : (DEFAULT_THRESHOLDS[key] as number);
  };

  const notRun = (check: CheckName, reasonCode: ReasonCode, modelVersion?: string, details?: Record<string, unknown>): Evidence => ({
    check,
    status: 'not-run',
    reasonCode,
    regions: [],
    ...(modelVersion ? { modelVersion } : {}),
    ...(details ? { details } : {}),
  });

  const runFailure = (e: unknown): ReasonCode => (e instanceof TimeoutError || (isKioskError(e) && e.code === 'INFERENCE_BUSY') ? 'MODEL_TIMEOUT' : 'INFERENCE_FAILED');

  async function qualityChecks(page: PreparedPage): Promise<Evidence[]> {
    const m = models.get('quality') as ModelState;
    if (m.status !== 'ok') return QUALITY_CHECKS.map((c) => notRun(c, STATUS_REASON[m.status], m.modelVersion));
    let out: Record<string, TensorData>;
    try {
      out = await worker.run('quality', { luma: { data: page.work.data, dims: [1, 1, page.work.height, page.work.width] } });
    } catch (e) {
      log.warn('quality model run failed', { error: e });
      return QUALITY_CHECKS.map((c) => notRun(c, runFailure(e), m.modelVersion));
    }
    const f = {
      sharpness: scalar(out.sharpness),
      gradEnergy: scalar(out.gradEnergy),
      saturated: scalar(out.saturated),
      whiteLevel: scalar(out.whiteLevel),
      meanLuma: scalar(out.meanLuma),
      borderTop: scalar(out.borderTop),
      borderBottom: scalar(out.borderBottom),
      borderLeft: scalar(out.borderLeft),
      borderRight: scalar(out.borderRight),
    };
    const features = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 5)]));
    const frame: Region = { kind: 'frame', x: 0, y: 0, w: page.rgba.width, h: page.rgba.height };
    const mv = m.modelVersion;
    const ev: Evidence[] = [];
    const blank = f.gradEnergy < th('quality', 'blankGradEnergyMax');
    const sharpMin = th('quality', 'sharpnessMin');
    ev.push({
      check: 'image-sharpness',
      status: !blank && f.sharpness >= sharpMin ? 'pass' : 'fail',
      score: round(f.sharpness),
      threshold: sharpMin,
      modelVersion: mv,
      reasonCode: blank ? 'IMAGE_BLANK' : f.sharpness >= sharpMin ? 'OK' : 'IMAGE_BLURRED',
      regions: [frame],
      details: features,
    });
    const under = f.whiteLevel < th('quality', 'underexposedWhiteLevelMin');
    const over = f.meanLuma > th('quality', 'overexposedMeanLumaMax') || f.saturated >= th('quality', 'overexposedSaturatedMin');
    // glare: saturated spots on a page that is otherwise exposed right (a washed-out page is the
    // exposure check's failure, not a glare)
    const glareMax = th('quality', 'glareSaturatedMax');
    const glare = f.saturated > glareMax && !over;
    ev.push({
      check: 'image-glare',
      status: glare ? 'fail' : 'pass',
      score: round(f.saturated, 5),
      threshold: glareMax,
      modelVersion: mv,
      reasonCode: glare ? 'IMAGE_GLARE' : 'OK',
      regions: [frame],
    });
    ev.push({
      check: 'image-exposure',
      status: under || over ? 'fail' : 'pass',
      score: round(f.whiteLevel),
      threshold: th('quality', 'underexposedWhiteLevelMin'),
      modelVersion: mv,
      reasonCode: under ? 'IMAGE_UNDEREXPOSED' : over ? 'IMAGE_OVEREXPOSED' : 'OK',
      regions: [frame],
    });
    const border = Math.max(f.borderTop, f.borderBottom, f.borderLeft, f.borderRight);
    const cropMax = th('quality', 'cropBorderMax');
    const sides = (['Top', 'Bottom', 'Left', 'Right'] as const).filter((s) => f[`border${s}`] > cropMax).map((s) => s.toLowerCase());
    ev.push({
      check: 'image-crop',
      status: border <= cropMax ? 'pass' : 'fail',
      score: round(border),
      threshold: cropMax,
      modelVersion: mv,
      reasonCode: border <= cropMax ? 'OK' : 'IMAGE_CROPPED',
      regions: [frame],
      ...(sides.length ? { details: { sides } } : {}),
    });
    return ev;
  }

  async function faceCheck(page: PreparedPage): Promise<{ ev: Evidence; region?: Region }> {
    const m = models.get('face-detector') as ModelState;
    if (m.status !== 'ok') return { ev: notRun('face-present', STATUS_REASON[m.status], m.modelVersion) };
    const { width: W, height: H } = page.rgba;
    // The portrait sits in one end of the page (ICAO 9303 zone V: the left on TD3/TD2/TD1 fronts);
    // look at the whole frame and at the square at each end, where the face is large enough.
    const side = Math.min(W, H);
    const crops = [
      { x: 0, y: (H - side) / 2, s: side },
      { x: W - side, y: (H - side) / 2, s: side },
      { x: (W - Math.max(W, H)) / 2, y: (H - Math.max(W, H)) / 2, s: Math.max(W, H) },
    ];
    let best: (FaceBox & { crop: (typeof crops)[number] }) | null = null;
    for (const c of crops) {
      let out: Record<string, TensorData>;
      try {
        out = await worker.run('face-detector', { 'input:0': { data: cropToNhwc(page.rgba, c.x, c.y, c.s, FACE_INPUT), dims: [1, FACE_INPUT, FACE_INPUT, 3] } });
      } catch (e) {
        log.warn('face model run failed', { error: e });
        return { ev: notRun('face-present', runFailure(e), m.modelVersion) };
      }
      const faces = decodeBlazeFace({
        s1: (out['Identity:0'] as TensorData).data,
        s2: (out['Identity_1:0'] as TensorData).data,
        b1: (out['Identity_2:0'] as TensorData).data,
        b2: (out['Identity_3:0'] as TensorData).data,
      });
      for (const f of faces) if (!best || f.score > best.score) best = { ...f, crop: c };
    }
    const min = th('face-detector', 'faceScoreMin');
    const uncertain = th('face-detector', 'faceScoreUncertain');
    const score = best?.score ?? 0;
    let region: Region | undefined;
    if (best && score >= uncertain) {
      const s = best.crop.s;
      const x = best.crop.x + (best.cx - best.w / 2) * s;
      const y = best.crop.y + (best.cy - best.h / 2) * s;
      region = { kind: 'face', x: round(x, 1), y: round(y, 1), w: round(best.w * s, 1), h: round(best.h * s, 1) };
    }
    return {
      ev: {
        check: 'face-present',
        status: score >= min ? 'pass' : score >= uncertain ? 'inconclusive' : 'fail',
        score: round(score),
        threshold: min,
        modelVersion: m.modelVersion,
        reasonCode: score >= min ? 'OK' : score >= uncertain ? 'FACE_UNCERTAIN' : 'FACE_NOT_FOUND',
        regions: region ? [region] : [],
      },
      ...(region ? { region } : {}),
    };
  }

  async function mrzCheck(page: PreparedPage): Promise<{ ev: Evidence; mrz: MrzResult | null }> {
    const m = models.get('mrz-ocr') as ModelState;
    if (m.status !== 'ok') return { ev: notRun('mrz-ocr', STATUS_REASON[m.status], m.modelVersion), mrz: null };
    const loc = locateMrz(page.work);
    if (!loc) {
      return { ev: { check: 'mrz-ocr', status: 'inconclusive', reasonCode: 'MRZ_NOT_FOUND', modelVersion: m.modelVersion, regions: [] }, mrz: null };
    }
    const total = loc.lines.reduce((a, l) => a + l.count, 0);
    const cells = new Float32Array(total * CELL_SIZE);
    let off = 0;
    for (const l of loc.lines) {
      cells.set(l.cells, off * CELL_SIZE);
      off += l.count;
    }
    let out: Record<string, TensorData>;
    try {
      out = await worker.run('mrz-ocr', { cells: { data: cells, dims: [total, CELL_SIZE] } });
    } catch (e) {
      log.warn('MRZ OCR model run failed', { error: e });
      return { ev: notRun('mrz-ocr', runFailure(e), m.modelVersion), mrz: null };
    }
    const scores = (out.probs as TensorData).data;
    const K = MRZ_ALPHABET.length;
    const layout = layoutFor(loc.lines.length, loc.lines[0]?.count ?? 0);
    const lines: string[] = [];
    let sim = 0;
    off = 0;
    loc.lines.forEach((l, i) => {
      const d = decodeLine(scores.subarray(off * K, (off + l.count) * K), l.count, layout?.[i] ?? null);
      lines.push(d.text);
      sim += d.scores.reduce((a, b) => a + b, 0);
      off += l.count;
    });
    const mrz = parseMrz(lines, { repair: true });
    const meanSimilarity = sim / Math.max(1, total);
    const regions: Region[] = [quadRegion('mrz', loc.quad, page.scale), ...loc.lines.map((l) => quadRegion('mrz-line', l.quad, page.scale))];
    return {
      ev: {
        check: 'mrz-ocr',
        status: mrz.valid ? 'pass' : 'inconclusive',
        score: round(meanSimilarity),
        modelVersion: m.modelVersion,
        reasonCode: mrz.valid ? 'OK' : 'MRZ_INVALID',
        regions,
        details: {
          format: mrz.format,
          corrections: mrz.corrections.length,
          skewDeg: round(loc.angleDeg, 2),
          failedChecks: mrz.checks.filter((c) => !c.valid).map((c) => c.field),
          errorCodes: [...new Set(mrz.errors.map((e) => e.code))],
        },
      },
      mrz,
    };
  }

  const COMPARED: MrzFieldName[] = [
    'documentCode',
    'issuingState',
    'surname',
    'givenNames',
    'documentNumber',
    'nationality',
    'birthDate',
    'sex',
    'expiryDate',
    'personalNumber',
    'optionalData',
    'optionalData2',
  ];

  function crossCheck(check: CheckName, printed: MrzResult | null, printedEv: Evidence, reference: string[] | undefined, missing: ReasonCode, repair: boolean): Evidence {
    if (!reference || reference.length === 0) return notRun(check, missing);
    if (!printed || !printed.valid) {
      return { check, status: 'inconclusive', reasonCode: printedEv.status === 'not-run' ? 'MRZ_OCR_UNAVAILABLE' : 'MRZ_INVALID', regions: printedEv.regions, ...(printedEv.modelVersion ? { modelVersion: printedEv.modelVersion } : {}) };
    }
    const ref = parseMrz(reference, { repair });
    if (!ref.format) return { check, status: 'inconclusive', reasonCode: 'REFERENCE_MRZ_INVALID', regions: printedEv.regions };
    const fields = COMPARED.filter((f) => printed.fields[f] !== undefined || ref.fields[f] !== undefined).map((f) => ({ field: f, match: (printed.fields[f] ?? '') === (ref.fields[f] ?? '') }));
    const formatMatch = printed.format === ref.format;
    const mismatched = fields.filter((f) => !f.match).map((f) => f.field);
    const ok = formatMatch && mismatched.length === 0;
    return {
      check,
      status: ok ? 'pass' : 'fail',
      score: round(fields.filter((f) => f.match).length / Math.max(1, fields.length)),
      threshold: 1,
      ...(printedEv.modelVersion ? { modelVersion: printedEv.modelVersion } : {}),
      reasonCode: ok ? 'OK' : 'MRZ_MISMATCH',
      regions: printedEv.regions,
      details: { fields, formatMatch, referenceValid: ref.valid },
    };
  }

  async function checkPage(input: CheckPageInput): Promise<CheckPageResult> {
    const t0 = performance.now();
    const timings: CheckTimings = { totalMs: 0, decodeMs: 0, qualityMs: 0, faceMs: 0, mrzMs: 0, crossMs: 0 };
    let page: PreparedPage;
    try {
      page = prepareDecoded(decodeImage(input.image));
    } catch (e) {
      const code = isKioskError(e) ? e.code : 'IMAGE_CORRUPT';
      if (!(e instanceof ImageError)) log.error('image preparation failed', { error: e });
      const details = { imageError: code };
      const evidence: Evidence[] = [
        ...QUALITY_CHECKS.map((c) => notRun(c, 'IMAGE_UNREADABLE', undefined, details)),
        notRun('face-present', 'IMAGE_UNREADABLE', undefined, details),
        notRun('mrz-ocr', 'IMAGE_UNREADABLE', undefined, details),
        input.scannerMrz?.length ? notRun('mrz-vs-scanner', 'IMAGE_UNREADABLE', undefined, details) : notRun('mrz-vs-scanner', 'NO_SCANNER_MRZ'),
        input.chipDg1Mrz?.length ? notRun('mrz-vs-chip', 'IMAGE_UNREADABLE', undefined, details) : notRun('mrz-vs-chip', 'NO_CHIP_DG1'),
        notRun('face-match', 'FACE_MATCH_UNAVAILABLE'),
      ];
      timings.totalMs = round(performance.now() - t0, 1);
      timings.decodeMs = timings.totalMs;
      return { evidence, mrz: null, timings };
    }
    // a bug in one check must not take the others down: it becomes that check's not-run
    const guard = async <T>(what: string, f: () => Promise<T>, fallback: () => T): Promise<T> => {
      try {
        return await f();
      } catch (e) {
        log.error('check failed internally', { check: what, error: e });
        return fallback();
      }
    };
    const t1 = performance.now();
    const quality = await guard('quality', () => qualityChecks(page), () => QUALITY_CHECKS.map((c) => notRun(c, 'INTERNAL_ERROR')));
    const t2 = performance.now();
    const face = await guard('face', () => faceCheck(page), () => ({ ev: notRun('face-present', 'INTERNAL_ERROR') }) as Awaited<ReturnType<typeof faceCheck>>);
    const t3 = performance.now();
    const ocr = await guard('mrz', () => mrzCheck(page), () => ({ ev: notRun('mrz-ocr', 'INTERNAL_ERROR'), mrz: null }));
    const t4 = performance.now();
    const vsScanner = crossCheck('mrz-vs-scanner', ocr.mrz, ocr.ev, input.scannerMrz, 'NO_SCANNER_MRZ', true);
    const vsChip = crossCheck('mrz-vs-chip', ocr.mrz, ocr.ev, input.chipDg1Mrz, 'NO_CHIP_DG1', false);
    const faceMatch = notRun('face-match', 'FACE_MATCH_UNAVAILABLE', undefined, {
      chipFaceProvided: !!input.chipFace?.length,
      officerComparison: 'compare the chip photo and the printed portrait side by side',
    });
    if (face.region) faceMatch.regions = [face.region];
    const t5 = performance.now();
    timings.decodeMs = round(t1 - t0, 1);
    timings.qualityMs = round(t2 - t1, 1);
    timings.faceMs = round(t3 - t2, 1);
    timings.mrzMs = round(t4 - t3, 1);
    timings.crossMs = round(t5 - t4, 1);
    timings.totalMs = round(t5 - t0, 1);
    let printedFace: CheckPageResult['printedFace'];
    if (face.region) {
      const r = face.region;
      try {
        printedFace = { region: r, crop: portraitCrop(page.rgba, r) };
      } catch {
        printedFace = { region: r };
      }
    }
    return {
      evidence: [...quality, face.ev, ocr.ev, vsScanner, vsChip, faceMatch],
      mrz: ocr.mrz,
      ...(printedFace ? { printedFace } : {}),
      timings,
    };
  }

  return {
    checkPage,
    close: () => worker.close(),
  };
}
