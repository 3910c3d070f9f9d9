import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/base/clock.js';
import { DEFAULT_POLICY, KioskCore, OfficerService, MemoryImageCache, type DecisionCommit } from '../../../main/kiosk/index.js';
import { openKioskStore, type SqliteKioskStore } from '../../../main/store/index.js';
import { FakeChecks, FakeChip, FakeSource, chipResult, flush, mrzResult, scanned } from '../kiosk/fixtures.js';

const dirs: string[] = [];
const stores: SqliteKioskStore[] = [];
function tmp() {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kiosk-store-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FAST = { N: 1024, r: 8, p: 1 };
const PW = 'correct horse battery';

async function open(dataDir = tmp(), extra: Parameters<typeof openKioskStore>[0] = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12));
  const store = await openKioskStore({ dataDir, clock, ...extra });
  stores.push(store);
  return { store, clock, dataDir };
}

function commit(over: Partial<DecisionCommit> = {}, outcome: 'CLEAR' | 'REFER' = 'REFER', at = Date.UTC(2026, 10, 22, 12)): DecisionCommit {
  return {
    sessionId: `s-${Math.random()}`,
    kioskId: 'k1',
    startedAt: at - 1000,
    decision: { outcome, policyVersion: 'v1', reasons: outcome === 'CLEAR' ? [{ code: 'ALL_CHECKS_PASSED' }] : [{ code: 'CHIP_PA_INVALID', check: 'chip.passiveAuthentication' }], evidence: [{ check: 'face.match', status: 'pass', score: 0.9, threshold: 0.8, modelVersion: 'm1', reasonCode: 'OK' }], decidedAt: at },
    inputs: { mrz: mrzResult(), mrzLines: ['P<UTOERIKSSON<<ANNA', 'L898902C36UTO'], chip: chipResult(), chipError: null, travellerRequestedReview: false },
    group: { nationality: 'UTO', sex: 'F', ageBand: '45-59' },
    ...over,
  };
}

function fileText(p: string): Buffer {
  return Buffer.concat([p, `${p}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('SQLite store', () => {
  it('opens with WAL, synchronous=FULL, incremental auto-vacuum, migrations and a 0600 key', async () => {
    const { store, dataDir } = await open();
    const db = store.db;
    expect(await db.exclusive(() => db.get('PRAGMA journal_mode'))).toEqual({ journal_mode: 'wal' });
    expect(await db.exclusive(() => db.get('PRAGMA synchronous'))).toEqual({ synchronous: 2 });
    expect(await db.exclusive(() => db.get('PRAGMA auto_vacuum'))).toEqual({ auto_vacuum: 2 });
    expect(await db.exclusive(() => db.all('SELECT version, name FROM schema_migrations'))).toEqual([{ version: 1, name: 'initial schema' }]);
    expect(store.path).toBe(path.join(dataDir, 'kiosk.db'));
    await store.commitDecision(commit());
    expect(statSync(path.join(dataDir, 'keys', 'seal.key')).mode & 0o777).toBe(0o600);
    await store.close();
    stores.length = 0;
    const again = await open(dataDir);
    expect((await again.store.listReferrals()).length).toBe(1);
  });

  it('runs whole sessions through the core and the officer path, with a verifying chain and no plaintext personal data on disk', async () => {
    const { store, clock } = await open();
    const source = new FakeSource();
    const chip = new FakeChip();
    const images = new MemoryImageCache(clock);
    const core = new KioskCore({ clock, policy: DEFAULT_POLICY, documents: source, chip, checks: new FakeChecks(), store, images });
    const officers = new OfficerService({ store, clock, scrypt: FAST, images, onDecision: (d) => core.notifyOfficerDecision(d) });
    core.start();
    source.emit({ type: 'document', document: scanned() });
    await flush();
    await core.idle();
    expect(core.snapshot().state).toBe('clear');
    core.release();
    await core.idle();
    chip.result = chipResult({ passiveAuthentication: { status: 'invalid' } });
    source.emit({ type: 'document', document: scanned() });
    await flush();
    await core.idle();
    const snap = core.snapshot();
    expect(snap.state).toBe('referred');

    await officers.bootstrapSupervisor('sup', PW);
    const sup = (await officers.signIn('sup', PW)).token;
    await officers.createAccount(sup, { username: 'alice', password: PW, role: 'officer' });
    const alice = (await officers.signIn('alice', PW)).token;
    const [ref] = await officers.listReferrals(alice);
    expect(ref!.referralId).toBe(snap.referralId);
    const cv = await officers.getCase(alice, ref!.referralId);
    expect(cv.mrz?.result?.fields.surname).toBe('ERIKSSON');
    expect(cv.chip?.passiveAuthentication?.status).toBe('invalid');
    expect(cv.images.chipFace?.format).toBe('jpeg');
    const pending = await officers.decide(alice, ref!.referralId, { kind: 'ADMIT', reasonCode: 'OVR_DOCUMENT_VERIFIED', note: 'ERIKSSON document examined' });
    expect(pending.status).toBe('pending');
    await expect(officers.confirm(alice, pending.overrideId, { approve: true, note: 'self' })).rejects.toMatchObject({ code: 'SAME_OFFICER' });
    expect(await officers.confirm(sup, pending.overrideId, { approve: true, note: 'agreed' })).toEqual({ status: 'final' });
    expect(core.snapshot().state).toBe('officerDecided');
    expect((await store.getReferral(ref!.referralId))!.overrides[0]).toMatchObject({ status: 'final', note: 'ERIKSSON document examined', kind: 'ADMIT' });

    const v = await store.verifyAudit();
    expect(v.ok).toBe(true);
    const types = (await store.db.exclusive(() => store.db.all<{ type: string }>('SELECT type FROM audit_log ORDER BY seq'))).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['decision', 'session-closed', 'account-created', 'sign-in', 'case-viewed', 'override', 'override-confirmed']));

    const stats = await store.queryStats({ dimension: 'ageBand' });
    expect(stats).toEqual([
      { dimension: 'ageBand', value: '45-59', metric: 'CLEAR', count: 1 },
      { dimension: 'ageBand', value: '45-59', metric: 'OVERRIDE:ADMIT', count: 1 },
      { dimension: 'ageBand', value: '45-59', metric: 'REFER', count: 1 },
      { dimension: 'ageBand', value: '45-59', metric: 'REFER:CHIP_PA_INVALID', count: 1 },
    ]);

    await store.db.exclusive(() => store.db.get('PRAGMA wal_checkpoint(TRUNCATE)'));
    const bytes = fileText(store.path);
    for (const s of ['ERIKSSON', 'L898902C3', 'ANNA MARIA', '740812', 'examined']) expect(bytes.includes(Buffer.from(s)), s).toBe(false);
    await core.stop();
  });

  it('retention deletes personal data, pseudonymises old decisions, audits the purge and reclaims the bytes', async () => {
    const { store, clock } = await open();
    const t0 = clock.now();
    const refs: string[] = [];
    for (let i = 0; i < 30; i++) {
      const c = commit({ images: [{ kind: 'chip-face', format: 'jpeg', bytes: new Uint8Array(20_000).fill(i) }] }, 'REFER', t0);
      refs.push((await store.commitDecision(c)).referralId!);
      await store.closeSession(c.sessionId, 'released', t0);
    }
    const blobs = await store.db.exclusive(() => store.db.all<{ sealed: Buffer }>('SELECT sealed FROM personal_data'));
    const imgs = await store.db.exclusive(() => store.db.all<{ n: number }>('SELECT count(*) AS n FROM images'));
    expect(imgs[0]!.n).toBe(30);
    const before = (await store.getReferral(refs[0]!))!;
    expect(before.inputs?.mrz?.fields.documentNumber).toBe('L898902C3');

    const r1 = await store.runRetention({ personalDataHours: 24, decisionDays: 30, vacuum: 'incremental' }, t0 + 25 * 3_600_000);
    expect(r1).toMatchObject({ personalDataDeleted: 30, decisionsPseudonymised: 0 });
    expect(r1.fileBytesAfter).toBeLessThan(r1.fileBytesBefore);
    expect((await store.getReferral(refs[0]!))!.inputs).toBeNull();
    const bytes = fileText(store.path);
    for (const b of blobs) expect(bytes.includes(b.sealed.subarray(13, 45))).toBe(false);
    expect(await store.db.exclusive(() => store.db.get('SELECT count(*) AS n FROM images'))).toEqual({ n: 0 });

    const r2 = await store.runRetention({ personalDataHours: 24, decisionDays: 30, vacuum: 'full' }, t0 + 31 * 86_400_000);
    expect(r2.decisionsPseudonymised).toBe(30);
    const d = await store.db.exclusive(() => store.db.all<{ inputs_sealed: unknown; subject_pseudonym: string }>('SELECT inputs_sealed, subject_pseudonym FROM decisions'));
    expect(d.every((x) => x.inputs_sealed === null && /^[0-9a-f]{32}$/.test(x.subject_pseudonym))).toBe(true);
    expect(new Set(d.map((x) => x.subject_pseudonym)).size).toBe(1);
    expect((await store.verifyAudit()).ok).toBe(true);
    const purges = await store.db.exclusive(() => store.db.all<{ data: string }>("SELECT data FROM audit_log WHERE type = 'purge'"));
    expect(purges).toHaveLength(2);
  });

  it('a full disk makes the commit fail cleanly (STORAGE_FULL), the core refers, and the chain still verifies', async () => {
    const { store, clock } = await open(tmp(), { maxPageCount: 60 });
    let err: unknown;
    for (let i = 0; i < 500 && !err; i++) {
      try {
        await store.commitDecision(commit({ images: [{ kind: 'page', format: 'png', bytes: new Uint8Array(3000) }] }));
      } catch (e) {
        err = e;
      }
    }
    expect(err).toMatchObject({ code: 'STORAGE_FULL' });
    const source = new FakeSource();
    const core = new KioskCore({ clock, policy: DEFAULT_POLICY, documents: source, chip: new FakeChip(), checks: new FakeChecks(), store, storeImages: true });
    core.start();
    core.images.put('x', { kind: 'page', format: 'png', bytes: new Uint8Array(1) });
    source.emit({ type: 'document', document: { ...scanned(), pageImage: { format: 'png', bytes: new Uint8Array(200_000) } } });
    await flush();
    await core.idle();
    const snap = core.snapshot();
    expect(snap.state).toBe('referred');
    expect(snap.decision!.reasons.map((r) => r.code)).toContain('STORAGE_UNAVAILABLE');
    expect((await store.verifyAudit()).ok).toBe(true);
    await core.stop();
  });

  it('a read-only database refuses writes with STORAGE_UNAVAILABLE', async () => {
    const { store, dataDir } = await open();
    await store.commitDecision(commit());
    await store.close();
    stores.length = 0;
    const { store: ro } = await open(dataDir, { readOnly: true });
    await expect(ro.commitDecision(commit())).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((await ro.verifyAudit()).ok).toBe(true);
  });

  it('names the first broken entry when a decision row or an audit row is edited', async () => {
    const { store } = await open();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.commitDecision(commit())).decisionId);
    const db = store.db;
    await db.exclusive(() => db.run("UPDATE decisions SET outcome = 'CLEAR' WHERE id = ?", [ids[2]!]));
    const v = await store.verifyAudit();
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 3, reason: 'record-modified', table: 'decisions', recordId: ids[2] });
    await db.exclusive(() => db.run("UPDATE decisions SET outcome = 'REFER' WHERE id = ?", [ids[2]!]));
    expect((await store.verifyAudit()).ok).toBe(true);
    await expect(db.exclusive(() => db.run("UPDATE audit_log SET actor = 'x' WHERE seq = 2"))).rejects.toThrow(/append-only/);
    await db.exclusive(() => db.exec('DROP TRIGGER audit_log_no_update'));
    await db.exclusive(() => db.run("UPDATE audit_log SET actor = 'x' WHERE seq = 2"));
    expect((await store.verifyAudit()).firstBroken).toMatchObject({ seq: 2, reason: 'hash-mismatch' });
  });

  it('records configuration changes in settings and the audit log', async () => {
    const { store, clock } = await open();
    await store.recordConfigChange('policy', DEFAULT_POLICY, 'acct-1', clock.now());
    expect(await store.getSetting('policy')).toEqual(DEFAULT_POLICY);
    const row = await store.db.exclusive(() => store.db.get<{ type: string; subject: string }>("SELECT type, subject FROM audit_log WHERE type = 'config-change'"));
    expect(row).toEqual({ type: 'config-change', subject: 'policy' });
  });
});

describe('case audit trail', () => {
  it('lists the entries of one case, oldest first, without personal data', async () => {
    const { store, clock } = await open();
    const c = commit();
    const { decisionId, referralId } = await store.commitDecision(c);
    await store.recordOverride({ referralId: referralId!, officerId: 'acct-1', kind: 'SECONDARY', reasonCode: 'OVR_FURTHER_EXAMINATION', note: 'ERIKSSON to booth', at: clock.now(), status: 'final' });
    const trail = await store.auditTrail({ subjects: [decisionId, c.sessionId], referralId: referralId! });
    expect(trail.map((e) => e.type)).toEqual(['decision', 'override']);
    expect(JSON.stringify(trail)).not.toContain('ERIKSSON');
  });
});
