import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.js';

const kiosk = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/kiosk.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('kiosk check and kiosk models verify', () => {
  it('checks several images: a JSON array, one entry per image, with evidence, MRZ and timings', () => {
    const labels = JSON.parse(spawnSync('cat', [path.join(FIXTURES, 'labels.json')], { encoding: 'utf8' }).stdout);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-check-'));
    const notImage = path.join(dir, 'notes.txt');
    writeFileSync(notImage, 'not an image');
    const r = kiosk('check', path.join(FIXTURES, 'good.png'), path.join(FIXTURES, 'gray.png'), notImage, '--scanner-mrz', ...labels['good.png'].mrz);
    const out = JSON.parse(r.stdout);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(3);
    const [good, gray, bad] = out;
    expect(Object.keys(good)).toEqual(expect.arrayContaining(['image', 'checks', 'mrz', 'timings']));
    expect(good.checks.map((c: { check: string }) => c.check)).toEqual([
      'image-sharpness', 'image-glare', 'image-exposure', 'image-crop', 'face-present', 'mrz-ocr', 'mrz-vs-scanner', 'mrz-vs-chip', 'face-match',
    ]);
    for (const c of good.checks) expect(Object.keys(c)).toEqual(expect.arrayContaining(['check', 'status', 'reasonCode', 'regions']));
    expect(good.mrz).toMatchObject({ valid: true, format: 'TD3' });
    expect(Object.keys(good.mrz)).toEqual(['valid', 'format', 'fields', 'checks', 'corrections', 'errors']);
    expect(good.checks.find((c: { check: string }) => c.check === 'mrz-vs-scanner').status).toBe('pass');
    expect(good.timings.totalMs).toBeGreaterThan(0);
    // the grayscale page is another document: its printed MRZ does not match the scanner's
    expect(gray.mrz.valid).toBe(true);
    expect(gray.checks.find((c: { check: string }) => c.check === 'mrz-vs-scanner')).toMatchObject({ status: 'fail', reasonCode: 'MRZ_MISMATCH' });
    expect(bad.error.code).toBe('IMAGE_UNSUPPORTED');
    expect(bad.mrz).toBeNull();
    expect(bad.checks.every((c: { status: string }) => c.status === 'not-run')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('prints one object for one image; exit 2 without images', () => {
    const r = kiosk('check', path.join(FIXTURES, 'noisy.jpg'));
    const out = JSON.parse(r.stdout);
    expect(Array.isArray(out)).toBe(false);
    expect(out.image).toContain('noisy.jpg');
    expect(out.mrz.valid).toBe(true);
    expect(kiosk('check').code).toBe(2);
  });

  it('models verify: ok for the shipped models (exit 0), missing for an empty folder (exit 1)', () => {
    const ok = kiosk('models', 'verify');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.ok).toBe(true);
    expect(report.models.map((m: { id: string; status: string }) => `${m.id}:${m.status}`)).toEqual(['quality:ok', 'face-detector:ok', 'mrz-ocr:ok']);
    const empty = mkdtempSync(path.join(os.tmpdir(), 'kiosk-models-empty-'));
    const bad = kiosk('models', 'verify', '--models-dir', empty);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ manifest: 'invalid', ok: false });
    expect(kiosk('models', 'frobnicate').code).toBe(2);
  });
});
