/**
 * Storage failures through the whole runtime (real chip path: generated passport in the virtual
 * chip, emrtd reader, Passive Authentication): the database going away or filling up refers the
 * traveller with a reason, the kiosk keeps running, and the audit chain stays consistent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type KioskEvent } from '../../main/kiosk/index.js';
import { createKioskRuntime, type KioskRuntime } from '../../main/host/runtime/index.js';
import { DemoPassports, demoTrustStore } from '../../main/host/runtime/demo.js';
import { openKioskStore } from '../../main/store/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const passports = new DemoPassports();

async function runtime(extra: Partial<Parameters<typeof createKioskRuntime>[0]> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-fail-'));
  dirs.push(dataDir);
  return createKioskRuntime({ dataDir, trustStore: demoTrustStore(), policy: { ...DEFAULT_POLICY, requiredChecks: [] }, ...extra });
}

async function session(rt: KioskRuntime, variant: 'genuine' | 'revoked-signer' = 'genuine', pageImage?: Uint8Array) {
  const { printed, chip } = await passports.traveller(variant, 0);
  rt.memory!.placeChip(chip);
  const progress: KioskEvent[] = [];
  const off = rt.core.subscribe((e) => e.type === 'chip-progress' && progress.push(e));
  const done = rt.core.waitFor((e) => e.type === 'state' && (e.to === 'clear' || e.to === 'referred'), 60_000);
  rt.memory!.documents.present(printed, pageImage ? { format: 'png', bytes: pageImage } : undefined);
  const ev = (await done) as Extract<KioskEvent, { type: 'state' }>;
  off();
  return { snap: ev.snapshot, progress };
}

describe('storage failures through the runtime', () => {
  it('a genuine passport clears over the real chip path, with chip progress', async () => {
    const rt = await runtime();
    try {
      const { snap, progress } = await session(rt);
      expect(snap.state).toBe('clear');
      expect(snap.decision!.evidence.find((e) => e.check === 'chip.passiveAuthentication')).toMatchObject({ status: 'pass' });
      expect(progress.length).toBeGreaterThan(2);
      rt.core.release();
      await rt.core.idle();
      const r2 = await session(rt, 'revoked-signer');
      expect(r2.snap.decision!.reasons.map((r) => r.code)).toEqual(['CHIP_PA_INVALID']);
    } finally {
      await rt.close();
    }
  }, 60_000);

  it('the database becoming unavailable refers the traveller (STORAGE_UNAVAILABLE) and the kiosk carries on', async () => {
    const rt = await runtime();
    const dbPath = rt.paths.db;
    try {
      await rt.store.db.close();
      const { snap } = await session(rt);
      expect(snap.state).toBe('referred');
      expect(snap.decisionStored).toBe(false);
      expect(snap.decision!.reasons.map((r) => r.code)).toContain('STORAGE_UNAVAILABLE');
      expect(snap.decision!.reasons.map((r) => r.code)).not.toContain('ALL_CHECKS_PASSED');
      expect((await rt.core.requestOfficer()).referralId).toBeNull();
      rt.core.release();
      await rt.core.idle();
      expect(rt.core.snapshot().state).toBe('idle');
    } finally {
      await rt.close().catch(() => undefined);
    }
    const s = await openKioskStore({ dbPath });
    expect((await s.verifyAudit()).ok).toBe(true);
    await s.close();
  }, 60_000);

  it('a full disk refers the traveller, and the chain still verifies', async () => {
    const rt = await runtime({ maxPageCount: 40, storeImages: true });
    try {
      let full = false;
      for (let i = 0; i < 40 && !full; i++) {
        const { snap } = await session(rt, 'genuine', new Uint8Array(8_000).fill(i));
        full = snap.decision!.reasons.some((r) => r.code === 'STORAGE_UNAVAILABLE');
        if (full) expect(snap.state).toBe('referred');
        rt.core.release();
        await rt.core.idle();
      }
      expect(full).toBe(true);
      expect((await rt.verifyAudit()).ok).toBe(true);
    } finally {
      await rt.close();
    }
  }, 120_000);
});
