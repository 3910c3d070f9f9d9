/**
 * Issue 6's "done when" end to end: the kiosk core gets evidence from every check on a generated
 * data page and CLEARs a genuine passport; a corrupt model file makes its checks not-run and the
 * traveller is REFERred with the reason — never a crash.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDocumentChecker } from '../../main/checks/index.js';
import { checksPort } from '../../main/host/web/checks-port.js';
import { createKioskRuntime } from '../../main/host/runtime/index.js';
import { DemoPassports, demoTrustStore } from '../../main/host/runtime/demo.js';
import { nullLogger } from '../../main/base/log.js';
import type { KioskEvent } from '../../main/kiosk/index.js';
import { printedPhotoDataUrl } from '../../main/host/web/images.js';
import { PNG } from 'pngjs';

const MODELS = path.resolve('models');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function oneSession(modelsDir: string) {
  const checker = await createDocumentChecker({ modelsDir, threads: 1 });
  const rt = await createKioskRuntime({ dataDir: tmp('kiosk-cd-'), trustStore: demoTrustStore(), checks: checksPort(checker, nullLogger) });
  try {
    const passports = new DemoPassports();
    const { printed, chip } = await passports.traveller('genuine', 0);
    const decided = rt.core.waitFor((e) => e.type === 'decision', 90_000) as Promise<Extract<KioskEvent, { type: 'decision' }>>;
    rt.memory!.placeChip(chip);
    rt.memory!.documents.present(printed, { format: 'png', bytes: passports.page(0, printed) });
    return (await decided).decision;
  } finally {
    await rt.close();
    await checker.close();
  }
}

describe('document checks in the decision', () => {
  it('a genuine passport with a clean page: evidence from every check, CLEAR', async () => {
    const d = await oneSession(MODELS);
    const checks = d.evidence.map((e) => e.check);
    for (const c of ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop', 'face-present', 'mrz-ocr', 'mrz-vs-scanner', 'mrz-vs-chip', 'face-match']) expect(checks).toContain(c);
    expect(d.evidence.find((e) => e.check === 'image-sharpness')).toMatchObject({ status: 'pass' });
    expect(d.evidence.find((e) => e.check === 'mrz-ocr')?.modelVersion).toBeTruthy();
    expect(d.outcome).toBe('CLEAR');

    // The officer's printed photo: the portrait the face check found, not the whole page.
    const region = d.evidence.find((e) => e.check === 'face-present')?.regions?.[0] as { x: number; y: number; w: number; h: number };
    expect(region).toBeTruthy();
    const passports = new DemoPassports();
    const { printed } = await passports.traveller('genuine', 0);
    const page = passports.page(0, printed);
    const url = await printedPhotoDataUrl({ kind: 'page', format: 'png', bytes: page }, region);
    const crop = PNG.sync.read(Buffer.from(url!.split(',')[1]!, 'base64'));
    const whole = PNG.sync.read(Buffer.from(page));
    expect(crop.width).toBeLessThan(whole.width / 2);
    expect(crop.height).toBeLessThan(whole.height);
    expect(crop.height).toBeGreaterThan(crop.width);
  }, 120_000);

  it('a corrupt model: its checks are not-run and the traveller is referred, with the reason', async () => {
    const dir = tmp('kiosk-models-');
    cpSync(MODELS, dir, { recursive: true });
    const q = path.join(dir, 'quality-v2.onnx');
    const bytes = readFileSync(q);
    bytes[200] = (bytes[200] as number) ^ 0xff;
    writeFileSync(q, bytes);
    const d = await oneSession(dir);
    expect(d.outcome).toBe('REFER');
    expect(d.evidence.find((e) => e.check === 'image-sharpness')).toMatchObject({ status: 'not-run', reasonCode: 'MODEL_CHECKSUM_MISMATCH' });
    expect(d.reasons).toContainEqual(expect.objectContaining({ code: 'CHECK_NOT_RUN', check: 'image-sharpness' }));
  }, 120_000);
});
