/**
 * Crash consistency: a child process runs traveller sessions against a real SQLite file and
 * prints each decision the moment its commit has returned; the parent SIGKILLs it at random
 * points, over several rounds on the same database. Afterwards every reported decision must be
 * there and the audit chain must verify.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openKioskStore } from '../../main/store/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CHILD = (root: string) => `
import { createKioskRuntime } from ${JSON.stringify(pathToFileURL(path.join(root, 'main/host/runtime/index.ts')).href)};
import { demoTrustStore, runDemo } from ${JSON.stringify(pathToFileURL(path.join(root, 'main/host/runtime/demo.ts')).href)};
import { DEFAULT_POLICY } from ${JSON.stringify(pathToFileURL(path.join(root, 'main/kiosk/index.ts')).href)};
const rt = await createKioskRuntime({ dataDir: process.env.KIOSK_DATA_DIR, trustStore: demoTrustStore(), policy: { ...DEFAULT_POLICY, requiredChecks: [] }, kioskId: 'crash' });
rt.core.subscribe((e) => {
  if (e.type === 'decision' && e.stored) process.stdout.write('COMMIT ' + e.decisionId + '\\n');
});
process.stdout.write('READY\\n');
await runDemo(rt, { sessions: 100000, seed: Number(process.env.SEED), officers: true });
`;

function round(script: string, dataDir: string, seed: number, killAfterMs: number): Promise<{ committed: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, KIOSK_DATA_DIR: dataDir, SEED: String(seed), KIOSK_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    let buf = '';
    let err = '';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('COMMIT ')) committed.push(line.slice(7));
        if (line.startsWith('COMMIT ') && !armed) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (!armed) reject(new Error(`child ended before committing: ${err.slice(-2000)}`));
      else resolve({ committed, signal });
    });
  });
}

describe('SIGKILL during sessions', () => {
  it('loses no committed decision and keeps the audit chain intact, over several rounds', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-crash-'));
    dirs.push(dataDir);
    const script = path.join(dataDir, 'child.mts');
    writeFileSync(script, CHILD(ROOT));
    const all: string[] = [];
    // Kill delays spread over session boundaries, commits, officer decisions and retention-free idle.
    const delays = [0, 37, 180, 900, 2500];
    for (let r = 0; r < delays.length; r++) {
      const { committed, signal } = await round(script, dataDir, 100 + r, delays[r]! + Math.floor(Math.random() * 50));
      expect(signal).toBe('SIGKILL');
      all.push(...committed);
      const store = await openKioskStore({ dataDir });
      try {
        const v = await store.verifyAudit();
        expect(v, JSON.stringify(v.firstBroken)).toMatchObject({ ok: true });
        const ids = new Set((await store.db.exclusive(() => store.db.all<{ id: string }>('SELECT id FROM decisions'))).map((x) => x.id));
        const lost = all.filter((id) => !ids.has(id));
        expect(lost).toEqual([]);
        // Every decision has its audit entry (same transaction).
        const audited = await store.db.exclusive(() => store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE type = 'decision'"));
        expect(audited!.n).toBe(ids.size);
      } finally {
        await store.close();
      }
    }
    // Each round committed before its kill (the kill is armed by the first commit).
    expect(all.length).toBeGreaterThanOrEqual(delays.length);
    expect(new Set(all).size).toBe(all.length);
  }, 240_000);
});
