/**
 * Kiosk core benchmark (prints, asserts nothing):
 *  - the core's own time per session: state machine + policy + event stream, with in-memory
 *    fakes for the devices and the store (devices excluded);
 *  - storage write latency of the SQLite store (WAL, synchronous=FULL, sealing, audit chain):
 *    commitDecision and recordOverride, p50 / p99;
 *  - audit verification throughput;
 *  - for scale, a whole session through the in-process simulators (virtual chip, PA).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../main/base/clock.js';
import {
  DEFAULT_POLICY,
  KioskCore,
  MemoryKioskStore,
  type ChipReadResult,
  type DecisionCommit,
  type DocumentSourceEvent,
  type KioskEvent,
  type MrzResult,
} from '../../main/kiosk/index.js';
import { openKioskStore } from '../../main/store/index.js';
import { createKioskRuntime } from '../../main/host/runtime/index.js';
import { demoTrustStore, runDemo, stat } from '../../main/host/runtime/demo.js';

const mrz: MrzResult = {
  valid: true, format: 'TD3', checks: [], corrections: [], errors: [],
  fields: { documentCode: 'P', issuingState: 'UTO', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: 'L898902C3', nationality: 'UTO', birthDate: '740812', sex: 'F', expiryDate: '330415', personalNumber: '' },
};
const chip: ChipReadResult = {
  accessControl: { protocol: 'PACE', status: 'success' }, dg1: mrz, faceImage: { format: 'jpeg', bytes: new Uint8Array(12_000) },
  passiveAuthentication: { status: 'valid', signatureValid: true, dataGroupHashes: { DG1: true, DG2: true } },
  activeAuthentication: { status: 'not-supported' }, chipAuthentication: { status: 'not-supported' }, timings: { totalMs: 0 },
};
const evidence = DEFAULT_POLICY.requiredChecks.map((check) => ({ check, status: 'pass' as const, score: 0.9, reasonCode: 'OK' }));

function line(name: string, s: ReturnType<typeof stat>, unit = 'ms'): void {
  console.log(`${name.padEnd(44)} n=${String(s.n).padStart(5)}  mean ${s.mean.toFixed(3)} ${unit}  p50 ${s.p50.toFixed(3)}  p95 ${s.p95.toFixed(3)}  max ${s.max.toFixed(3)}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function coreOnly(n: number): Promise<number[]> {
  const listeners = new Set<(e: DocumentSourceEvent) => void>();
  const store = new MemoryKioskStore();
  let i = 0;
  const core = new KioskCore({
    clock: systemClock,
    policy: DEFAULT_POLICY,
    documents: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    chip: { read: async (_k, o) => (o.onProgress?.({ file: 'DG2', bytesRead: 12_000, totalBytes: 12_000, fraction: 1 }), chip) },
    checks: { run: async () => evidence },
    store,
    newId: () => `s${++i}`,
  });
  core.start();
  let events = 0;
  core.subscribe(() => events++);
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    const done = new Promise<void>((resolve) => {
      const off = core.subscribe((e: KioskEvent) => {
        if (e.type === 'state' && (e.to === 'clear' || e.to === 'referred')) {
          off();
          resolve();
        }
      });
    });
    const t = performance.now();
    for (const l of listeners) l({ type: 'document', document: { lines: ['L1', 'L2'], mrz } });
    await done;
    core.release();
    await core.idle();
    times.push(performance.now() - t);
  }
  await core.stop();
  console.log(`core: ${events} events for ${n} sessions, ${store.decisions.size} decisions`);
  return times;
}

export default async function bench(): Promise<void> {
  await coreOnly(200); // warm-up
  const core = await coreOnly(3000);
  line('core per session (devices and store faked)', stat(core));
  console.log(`core p99 ${percentile(core, 0.99).toFixed(3)} ms; sessions/s ${(1000 / (core.reduce((a, b) => a + b, 0) / core.length)).toFixed(0)}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-bench-'));
  try {
    const store = await openKioskStore({ dataDir: dir });
    const commits: number[] = [];
    const refs: string[] = [];
    for (let k = 0; k < 400; k++) {
      const c: DecisionCommit = {
        sessionId: `s${k}`, kioskId: 'bench', startedAt: Date.now(),
        decision: { outcome: k % 3 ? 'CLEAR' : 'REFER', policyVersion: 'v', reasons: k % 3 ? [{ code: 'ALL_CHECKS_PASSED' }] : [{ code: 'CHECK_FAILED', check: 'face-present' }], evidence, decidedAt: Date.now() },
        inputs: { mrz, chip: { ...chip, faceImage: null }, chipError: null, travellerRequestedReview: false }, group: { nationality: 'UTO', sex: 'F', ageBand: '45-59' },
      };
      const t = performance.now();
      const r = await store.commitDecision(c);
      commits.push(performance.now() - t);
      if (r.referralId) refs.push(r.referralId);
    }
    line('store commitDecision (WAL, sync=FULL, sealed)', stat(commits));
    console.log(`store commitDecision p50 ${percentile(commits, 0.5).toFixed(3)} ms  p99 ${percentile(commits, 0.99).toFixed(3)} ms`);
    const overrides: number[] = [];
    for (const id of refs) {
      const t = performance.now();
      await store.recordOverride({ referralId: id, officerId: 'acct-x', kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED', note: 'bench', at: Date.now(), status: 'final' });
      overrides.push(performance.now() - t);
    }
    line('store recordOverride', stat(overrides));
    console.log(`store recordOverride p50 ${percentile(overrides, 0.5).toFixed(3)} ms  p99 ${percentile(overrides, 0.99).toFixed(3)} ms`);
    const t = performance.now();
    const v = await store.verifyAudit();
    const ms = performance.now() - t;
    console.log(`audit verify: ${v.entries} entries in ${ms.toFixed(1)} ms (${((v.entries / ms) * 1000).toFixed(0)} entries/s), ok=${v.ok}`);
    const rt0 = performance.now();
    const rr = await store.runRetention({ personalDataHours: 0, decisionDays: 0, vacuum: 'incremental' });
    console.log(`retention: ${rr.personalDataDeleted} personal records, ${rr.decisionsPseudonymised} pseudonymised in ${(performance.now() - rt0).toFixed(1)} ms; file ${rr.fileBytesBefore} → ${rr.fileBytesAfter} bytes`);
    await store.close();

    const rt = await createKioskRuntime({ dataDir: path.join(dir, 'rt'), trustStore: demoTrustStore(), policy: { ...DEFAULT_POLICY, requiredChecks: [] } });
    const s = await runDemo(rt, { sessions: 30, seed: 7, officers: false });
    await rt.close();
    line('whole session, in-process simulators', stat([s.timings.sessionMs.p50]));
    console.log(`whole session (virtual chip, PA, SQLite) p50 ${s.timings.sessionMs.p50} ms, p95 ${s.timings.sessionMs.p95} ms; chip read p50 ${s.timings.chipReadMs.p50} ms`);
    const coreP50 = percentile(core, 0.5);
    console.log(`ratio: core p50 is ${((coreP50 / s.timings.sessionMs.p50) * 100).toFixed(2)}% of a whole simulated session; storage commit p50 is ${((percentile(commits, 0.5) / s.timings.sessionMs.p50) * 100).toFixed(1)}%`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
