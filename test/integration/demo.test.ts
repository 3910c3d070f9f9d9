import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function kiosk(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'bin/kiosk.js'), ...args], { cwd: ROOT, env: { ...process.env, KIOSK_DATA_DIR: dataDir, KIOSK_LOG_LEVEL: 'error' }, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('kiosk demo and kiosk audit verify (CLI, real SQLite file, generated passports in a virtual chip)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-demo-'));
  dirs.push(dataDir);

  it('runs sessions end to end with CLEAR and REFER outcomes and officer decisions, and the chain verifies', async () => {
    const r = await kiosk(['demo', '--sessions', '16', '--seed', '3', '--checks', 'off', '--required-checks', 'none'], dataDir);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.sessions).toBe(16);
    expect(s.outcomes.CLEAR).toBeGreaterThan(0);
    expect(s.outcomes.REFER).toBeGreaterThan(0);
    expect(s.reasons.ALL_CHECKS_PASSED).toBe(s.outcomes.CLEAR);
    expect(s.variants.genuine).toEqual({ CLEAR: expect.any(Number) });
    expect(Object.values(s.officerDecisions as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(s.outcomes.REFER);
    expect(s.audit).toEqual({ ok: true, entries: expect.any(Number) });
    expect(s.timings.sessionMs.n).toBe(16);
    expect(s.db).toBe(path.join(dataDir, 'kiosk.db'));
    expect(s.policy.requiredChecks).toEqual([]);

    const v = await kiosk(['audit', 'verify'], dataDir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, entries: s.audit.entries });
  }, 120_000);

  it('with the default policy and the document checks on rendered data pages, genuine passports clear and the others refer', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kiosk-demo-'));
    dirs.push(d);
    const r = await kiosk(['demo', '--sessions', '6', '--seed', '3'], d);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.checksAvailable).toBe(true);
    expect(s.policy.requiredChecks).toContain('mrz-ocr');
    expect(s.variants.genuine.CLEAR).toBeGreaterThan(0);
    expect(s.outcomes.REFER).toBeGreaterThan(0);
    expect(s.reasons.CHECK_NOT_RUN).toBeUndefined();
  }, 180_000);

  it('with the default policy and the checks off, every session is referred (CHECK_NOT_RUN)', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kiosk-demo-'));
    dirs.push(d);
    const r = await kiosk(['demo', '--sessions', '3', '--seed', '3', '--no-officers', '--checks', 'off'], d);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.outcomes).toEqual({ REFER: 3 });
    expect(s.reasons.CHECK_NOT_RUN).toBeGreaterThanOrEqual(3);
    expect(s.checksAvailable).toBe(false);
  }, 120_000);

  it('audit verify names the first broken entry after a row is edited with the sqlite3 CLI', async () => {
    const db = path.join(dataDir, 'kiosk.db');
    const victim = execFileSync('sqlite3', [db, "SELECT subject, seq FROM audit_log WHERE type = 'decision' AND json_extract(data, '$.outcome') = 'REFER' ORDER BY seq LIMIT 1 OFFSET 1"], { encoding: 'utf8' }).trim();
    const [decisionId, seq] = victim.split('|');
    expect(decisionId).toMatch(/^[0-9a-f-]{36}$/);
    execFileSync('sqlite3', [db, `UPDATE decisions SET outcome = 'CLEAR', reasons = '[{"code":"ALL_CHECKS_PASSED"}]' WHERE id = '${decisionId}'`]);
    const v = await kiosk(['audit', 'verify', '--db', db], dataDir);
    expect(v.code).toBe(1);
    const out = JSON.parse(v.stdout);
    expect(out.ok).toBe(false);
    expect(out.firstBroken).toMatchObject({ seq: Number(seq), reason: 'record-modified', table: 'decisions', recordId: decisionId });
    expect(v.stderr).toContain(`entry ${seq}`);

    // An attacker who also rewrites the audit entry breaks the hash chain instead.
    execFileSync('sqlite3', [db, `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET data = json_set(data, '$.outcome', 'CLEAR') WHERE seq = ${Number(seq) - 1}`]);
    const v2 = await kiosk(['audit', 'verify', '--db', db], dataDir);
    expect(v2.code).toBe(1);
    expect(JSON.parse(v2.stdout).firstBroken).toMatchObject({ seq: Number(seq) - 1, reason: 'hash-mismatch' });
  }, 60_000);

  it('--wire pty drives the MRZ scanner and PN532 simulators over socat pty pairs through the serial drivers', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kiosk-demo-'));
    dirs.push(d);
    const r = await kiosk(['demo', '--sessions', '3', '--seed', '11', '--required-checks', 'none', '--wire', 'pty', '--checks', 'off'], d);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.wire).toBe('pty');
    expect(s.sessions).toBe(3);
    expect((s.outcomes.CLEAR ?? 0) + (s.outcomes.REFER ?? 0) + (s.outcomes.CANCELLED ?? 0)).toBe(3);
    expect(s.timings.chipReadMs.n).toBeGreaterThan(0);
    expect(s.audit.ok).toBe(true);
  }, 180_000);

  it('usage errors exit 2', async () => {
    expect((await kiosk(['demo'], dataDir)).code).toBe(2);
    expect((await kiosk(['demo', '--sessions', '1', '--wire', 'usb'], dataDir)).code).toBe(2);
    expect((await kiosk(['audit'], dataDir)).code).toBe(2);
    expect((await kiosk(['demo', '--sessions', '1', '--checks', 'maybe'], dataDir)).code).toBe(2);
    expect((await kiosk(['audit', 'verify', '--db', path.join(dataDir, 'nope.db')], dataDir)).code).toBe(2);
  }, 60_000);
});
