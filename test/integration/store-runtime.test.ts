import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../main/kiosk/index.js';
import { writeFileSync } from 'node:fs';
import { createKioskRuntime } from '../../main/host/runtime/index.js';
import { loadConfig, runtimeSettings } from '../../main/host/config.js';
import { demoTrustStore, runDemo } from '../../main/host/runtime/demo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const PW = 'correct horse battery';
const FAST = { N: 1024, r: 8, p: 1 };

describe('runtime: configuration changes, persistence, statistics', () => {
  it('audits policy and four-eyes changes, enforces roles, and reloads them after a restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-rt-'));
    dirs.push(dataDir);
    const rt = await createKioskRuntime({ dataDir, officer: { scrypt: FAST } });
    expect(rt.paths).toEqual({ dataDir, db: path.join(dataDir, 'kiosk.db'), keyFile: path.join(dataDir, 'keys', 'seal.key') });
    expect(rt.policy()).toEqual(DEFAULT_POLICY);
    await rt.officers.bootstrapSupervisor('sup', PW);
    const sup = (await rt.officers.signIn('sup', PW)).token;
    await rt.officers.createAccount(sup, { username: 'alice', password: PW, role: 'officer' });
    const alice = (await rt.officers.signIn('alice', PW)).token;
    const next = { ...DEFAULT_POLICY, version: '2026.2', requiredChecks: ['face.match'] };
    await expect(rt.updatePolicy(alice, next)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(rt.updatePolicy(sup, { ...DEFAULT_POLICY, requiredChecks: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(rt.updatePolicy(sup, { version: 'x' })).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    expect(await rt.updatePolicy(sup, next)).toEqual(next);
    expect(rt.core.policy.version).toBe('2026.2');
    await rt.updateFourEyes(sup, [{ kinds: ['ADMIT', 'REFUSE'] }]);
    await expect(rt.updateFourEyes(alice, [])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const changes = await rt.store.db.exclusive(() => rt.store.db.all<{ subject: string; actor: string }>("SELECT subject, actor FROM audit_log WHERE type = 'config-change' ORDER BY seq"));
    expect(changes.map((c) => c.subject)).toEqual(['policy', 'fourEyes']);
    await rt.close();
    expect(statSync(path.join(dataDir, 'keys', 'seal.key')).mode & 0o777).toBe(0o600);

    const rt2 = await createKioskRuntime({ dataDir, officer: { scrypt: FAST } });
    try {
      expect(rt2.policy().version).toBe('2026.2');
      expect(rt2.officers.fourEyes).toEqual([{ kinds: ['ADMIT', 'REFUSE'] }]);
      expect((await rt2.verifyAudit()).ok).toBe(true);
    } finally {
      await rt2.close();
    }
  });

  it('fairness counters hold aggregates only, queryable by officers and technicians', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-rt-'));
    dirs.push(dataDir);
    const rt = await createKioskRuntime({ dataDir, trustStore: demoTrustStore(), policy: { ...DEFAULT_POLICY, requiredChecks: [] }, officer: { scrypt: FAST } });
    try {
      await rt.officers.bootstrapSupervisor('sup', PW);
      const s = await runDemo(rt, { sessions: 10, seed: 3 });
      const sup = (await rt.officers.signIn('sup', PW)).token;
      await rt.officers.createAccount(sup, { username: 'tech', password: PW, role: 'technician' });
      const tech = (await rt.officers.signIn('tech', PW)).token;
      const rows = await rt.officers.stats(tech, { dimension: 'nationality' });
      const total = (metric: string) => rows.filter((r) => r.metric === metric).reduce((a, r) => a + (r.count ?? 0), 0);
      expect(total('CLEAR')).toBe(s.outcomes.CLEAR ?? 0);
      expect(total('REFER')).toBe(s.outcomes.REFER ?? 0);
      const overrides = rows.filter((r) => r.metric.startsWith('OVERRIDE:')).reduce((a, r) => a + (r.count ?? 0), 0);
      expect(overrides).toBe(Object.values(s.officerDecisions).reduce((a, b) => a + b, 0));
      const cols = await rt.store.db.exclusive(() => rt.store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('group_stats')"));
      expect(cols.map((c) => c.name)).toEqual(['day', 'dimension', 'value', 'metric', 'count']);
      const bands = await rt.officers.stats(tech, { dimension: 'ageBand', minCount: 1000 });
      expect(bands.every((r) => r.count === null)).toBe(true);
    } finally {
      await rt.close();
    }
  }, 60_000);

  it('takes its settings from KIOSK_CONFIG, and a bad file names the bad field', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-rt-'));
    dirs.push(dataDir);
    const file = path.join(dataDir, 'config.json');
    const policy = { ...DEFAULT_POLICY, version: 'site-7', requiredChecks: [] };
    writeFileSync(file, JSON.stringify({ kioskId: 'gate-7', policy, storeImages: false, retention: { personalDataHours: 12, decisionDays: 7, vacuum: 'full' }, accounts: { maxFailedAttempts: 3 } }));
    const settings = runtimeSettings(await loadConfig(file));
    expect(settings).toMatchObject({ kioskId: 'gate-7', policy, retention: { personalDataHours: 12 }, officer: { maxFailedAttempts: 3 }, storeImages: false });
    const rt = await createKioskRuntime({ dataDir, ...settings });
    try {
      expect(rt.policy().version).toBe('site-7');
      expect(rt.core.kioskId).toBe('gate-7');
    } finally {
      await rt.close();
    }
    expect(runtimeSettings(await loadConfig(undefined))).toEqual({});
    writeFileSync(file, JSON.stringify({ retention: { personalDataHours: -1, decisionDays: 1, vacuum: 'full' } }));
    await expect(loadConfig(file)).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'retention.personalDataHours' } });
    writeFileSync(file, '{not json');
    await expect(loadConfig(file)).rejects.toMatchObject({ code: 'CONFIG_NOT_JSON' });
  });
});
