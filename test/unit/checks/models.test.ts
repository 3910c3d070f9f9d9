import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentChecker, readManifest, verifyModels } from '../../../main/checks/index.js';
import { InferenceWorker } from '../../../main/checks/inference.js';
import { sha256Hex } from '../../../main/checks/registry.js';
import { TimeoutError } from '../../../main/base/errors.js';
import { copyModels, FIXTURES, MODELS_DIR } from './helpers.js';

const dirs: string[] = [];
const fresh = (): string => {
  const d = copyModels();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const good = new Uint8Array(readFileSync(path.join(FIXTURES, 'good.png')));

describe('model registry', () => {
  it('lists every model with file, sha256, version, I/O, thresholds, provenance, licence and card', async () => {
    const m = await readManifest(MODELS_DIR);
    for (const id of ['quality', 'face-detector', 'mrz-ocr']) {
      const e = m.models[id]!;
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(sha256Hex(readFileSync(path.join(MODELS_DIR, e.file)))).toBe(e.sha256);
      expect(e.inputs.length).toBeGreaterThan(0);
      expect(e.outputs.length).toBeGreaterThan(0);
      expect(e.licence).toBeTruthy();
      expect(e.provenance).toBeTruthy();
      expect(e.card).toHaveProperty('intendedUse');
      expect(e.card).toHaveProperty('limits');
    }
    expect(m.models['face-detector']!.licence).toBe('Apache-2.0');
  });

  it('verifies the shipped models (present, checksum, loadable)', async () => {
    const r = await verifyModels(MODELS_DIR);
    expect(r.ok).toBe(true);
    expect(r.models.map((m) => m.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('reports missing, checksum-mismatch and load-error', async () => {
    const dir = fresh();
    rmSync(path.join(dir, 'blazeface-front-128.onnx'));
    const q = path.join(dir, 'quality-v2.onnx');
    const bytes = readFileSync(q);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(q, bytes);
    // a file that matches its (edited) checksum but is not an ONNX model
    const junk = new TextEncoder().encode('not a model');
    writeFileSync(path.join(dir, 'mrz-ocrb-v2.onnx'), junk);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.models['mrz-ocr'].sha256 = sha256Hex(junk);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const r = await verifyModels(dir);
    expect(r.ok).toBe(false);
    expect(Object.fromEntries(r.models.map((m) => [m.id, m.status]))).toEqual({ quality: 'checksum-mismatch', 'face-detector': 'missing', 'mrz-ocr': 'load-error' });
  });
});

describe('checks with damaged models: not-run, never a crash', () => {
  it('a corrupt quality model and a missing face model make their checks not-run; the MRZ still reads', async () => {
    const dir = fresh();
    const q = path.join(dir, 'quality-v2.onnx');
    const bytes = readFileSync(q);
    bytes[100] = (bytes[100] as number) ^ 0x55;
    writeFileSync(q, bytes);
    rmSync(path.join(dir, 'blazeface-front-128.onnx'));
    const c = await createDocumentChecker({ modelsDir: dir });
    try {
      const r = await c.checkPage({ image: good });
      const ev = Object.fromEntries(r.evidence.map((e) => [e.check, e]));
      for (const k of ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop']) expect(ev[k]).toMatchObject({ status: 'not-run', reasonCode: 'MODEL_CHECKSUM_MISMATCH' });
      expect(ev['face-present']).toMatchObject({ status: 'not-run', reasonCode: 'MODEL_MISSING' });
      expect(ev['mrz-ocr']).toMatchObject({ status: 'pass' });
    } finally {
      await c.close();
    }
  });

  it('an unloadable model with a matching checksum gives MODEL_LOAD_ERROR; a missing manifest MODEL_MANIFEST_INVALID', async () => {
    const dir = fresh();
    const junk = new Uint8Array(64).fill(7);
    writeFileSync(path.join(dir, 'mrz-ocrb-v2.onnx'), junk);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.models['mrz-ocr'].sha256 = sha256Hex(junk);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const c = await createDocumentChecker({ modelsDir: dir });
    try {
      const r = await c.checkPage({ image: good, scannerMrz: ['P<UTO', 'X'] });
      const ev = Object.fromEntries(r.evidence.map((e) => [e.check, e]));
      expect(ev['mrz-ocr']).toMatchObject({ status: 'not-run', reasonCode: 'MODEL_LOAD_ERROR' });
      expect(ev['mrz-vs-scanner']).toMatchObject({ status: 'inconclusive', reasonCode: 'MRZ_OCR_UNAVAILABLE' });
      expect(r.mrz).toBeNull();
      expect(ev['image-sharpness']?.status).toBe('pass');
    } finally {
      await c.close();
    }
    const empty = fresh();
    rmSync(path.join(empty, 'manifest.json'));
    const c2 = await createDocumentChecker({ modelsDir: empty });
    try {
      const r = await c2.checkPage({ image: good });
      expect(r.evidence.filter((e) => e.reasonCode === 'MODEL_MANIFEST_INVALID').map((e) => e.check)).toEqual([
        'image-sharpness',
        'image-glare',
        'image-exposure',
        'image-crop',
        'face-present',
        'mrz-ocr',
      ]);
    } finally {
      await c2.close();
    }
  });

  it('an inference past its timeout is rejected (check not-run MODEL_TIMEOUT); the worker is not killed and keeps serving', async () => {
    const w = new InferenceWorker({ timeoutMs: 10_000 });
    try {
      await w.load('quality', new Uint8Array(readFileSync(path.join(MODELS_DIR, 'quality-v2.onnx'))));
      const big = new Float32Array(2048 * 2048).fill(0.5);
      await expect(w.run('quality', { luma: { data: big, dims: [1, 1, 2048, 2048] } }, 1)).rejects.toBeInstanceOf(TimeoutError);
      const small = await w.run('quality', { luma: { data: new Float32Array(64 * 64).fill(0.5), dims: [1, 1, 64, 64] } });
      expect(small.saturated!.data[0]).toBe(0);
    } finally {
      await w.close();
    }
    const c = await createDocumentChecker({ modelsDir: MODELS_DIR, timeoutMs: 1 });
    try {
      const r = await c.checkPage({ image: good });
      expect(r.evidence.some((e) => e.reasonCode === 'MODEL_TIMEOUT')).toBe(true);
      for (const e of r.evidence) expect(['pass', 'fail', 'inconclusive', 'not-run']).toContain(e.status);
    } finally {
      await c.close();
    }
  });
});
