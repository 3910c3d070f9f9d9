import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/base/clock.js';
import { MemoryImageCache, MemoryKioskStore, OfficerService, hashPassword, verifyPassword, type DecisionCommit } from '../../../main/kiosk/index.js';
import { chipResult, mrzResult } from './fixtures.js';

const FAST = { N: 1024, r: 8, p: 1 };
const PW = 'correct horse battery';

async function setup(opts: Partial<ConstructorParameters<typeof OfficerService>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12));
  const store = new MemoryKioskStore();
  const images = new MemoryImageCache(clock);
  const decided: unknown[] = [];
  const svc = new OfficerService({ store, clock, scrypt: FAST, images, onDecision: (d) => decided.push(d), ...opts });
  await svc.bootstrapSupervisor('sup', PW);
  const sup = (await svc.signIn('sup', PW)).token;
  await svc.createAccount(sup, { username: 'alice', password: PW, role: 'officer' });
  await svc.createAccount(sup, { username: 'bob', password: PW, role: 'officer' });
  await svc.createAccount(sup, { username: 'tech', password: PW, role: 'technician' });
  return { clock, store, svc, sup, images, decided };
}

async function refer(store: MemoryKioskStore, reasons: { code: string }[], sessionId = 'sess-1') {
  const c: DecisionCommit = {
    sessionId, kioskId: 'k', startedAt: 0,
    decision: { outcome: 'REFER', policyVersion: 'v', reasons, evidence: [], decidedAt: Date.UTC(2026, 10, 22, 12) },
    inputs: { mrz: mrzResult(), mrzLines: ['L1', 'L2'], chip: chipResult(), chipError: null, travellerRequestedReview: false },
    group: { nationality: 'UTO', sex: 'F', ageBand: '45-59' },
  };
  return (await store.commitDecision(c)).referralId!;
}

describe('officer service', () => {
  it('hashes with scrypt and verifies', async () => {
    const h = await hashPassword('pw-1234567', FAST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword('pw-1234567', h)).toBe(true);
    expect(await verifyPassword('pw-1234568', h)).toBe(false);
  });

  it('refuses a second bootstrap, short passwords, and account creation by non-supervisors', async () => {
    const t = await setup();
    await expect(t.svc.bootstrapSupervisor('x', PW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(t.svc.createAccount(t.sup, { username: 'c', password: 'short', role: 'officer' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const a = (await t.svc.signIn('alice', PW)).token;
    await expect(t.svc.createAccount(a, { username: 'carol', password: PW, role: 'officer' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('locks an account after repeated failures, and unlocks after the lockout', async () => {
    const t = await setup({ maxFailedAttempts: 3, lockoutMs: 60_000 });
    for (let i = 0; i < 2; i++) await expect(t.svc.signIn('alice', 'wrong password')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(t.svc.signIn('alice', 'wrong password')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    await expect(t.svc.signIn('alice', PW)).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    t.clock.advance(60_001);
    await expect(t.svc.signIn('alice', PW)).resolves.toMatchObject({ account: { username: 'alice', role: 'officer' } });
    await expect(t.svc.signIn('nobody', PW)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const types = t.store.audit.map((a) => a.type);
    expect(types).toEqual(expect.arrayContaining(['sign-in', 'sign-in-failed', 'account-locked']));
  });

  it('expires idle and old sessions, and sign-out ends them', async () => {
    const t = await setup({ idleTtlMs: 60_000, sessionTtlMs: 150_000 });
    const a = (await t.svc.signIn('alice', PW)).token;
    t.clock.advance(50_000);
    await t.svc.authenticate(a);
    t.clock.advance(50_000);
    await t.svc.authenticate(a);
    t.clock.advance(50_000);
    await expect(t.svc.authenticate(a)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    const b = (await t.svc.signIn('bob', PW)).token;
    t.clock.advance(61_000);
    await expect(t.svc.authenticate(b)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    const c = (await t.svc.signIn('bob', PW)).token;
    await t.svc.signOut(c);
    await expect(t.svc.authenticate(c)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('the queue, the case view with photos from memory, and an override with reason and note', async () => {
    const t = await setup();
    const rid = await refer(t.store, [{ code: 'CHECK_INCONCLUSIVE' }]);
    t.images.put('sess-1', { kind: 'chip-face', format: 'jpeg', bytes: new Uint8Array([1, 2, 3]) });
    const a = (await t.svc.signIn('alice', PW)).token;
    const q = await t.svc.listReferrals(a);
    expect(q.map((r) => r.referralId)).toEqual([rid]);
    const cv = await t.svc.getCase(a, rid);
    expect(cv.mrz?.result?.fields.documentNumber).toBe('L898902C3');
    expect(cv.chip).toMatchObject({ read: true, passiveAuthentication: { status: 'valid' }, activeAuthentication: { status: 'valid' }, accessControl: { protocol: 'PACE' } });
    expect(cv.images.chipFace?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(cv.fourEyesKinds).toEqual([]);
    await expect(t.svc.decide(a, rid, { kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED', note: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.svc.decide(a, rid, { kind: 'ADMIT', reasonCode: 'MADE_UP', note: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.svc.decide(a, rid, { kind: 'LET_IN' as never, reasonCode: 'OVR_OTHER', note: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const r = await t.svc.decide(a, rid, { kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED', note: 'checked face and document' });
    expect(r.status).toBe('final');
    expect(t.decided).toEqual([{ referralId: rid, kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED', final: true }]);
    expect(t.images.get('sess-1')).toEqual([]);
    expect(await t.svc.listReferrals(a)).toEqual([]);
    await expect(t.svc.decide(a, rid, { kind: 'REFUSE', reasonCode: 'OVR_OTHER', note: 'again' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const stats = await t.svc.stats(a, { dimension: 'nationality' });
    expect(stats).toEqual(expect.arrayContaining([{ dimension: 'nationality', value: 'UTO', metric: 'OVERRIDE:ADMIT', count: 1 }]));
  });

  it('four eyes: ADMIT after a failed chip check needs a second, different officer', async () => {
    const t = await setup();
    const rid = await refer(t.store, [{ code: 'CHIP_PA_INVALID' }]);
    const a = (await t.svc.signIn('alice', PW)).token;
    const b = (await t.svc.signIn('bob', PW)).token;
    expect((await t.svc.getCase(a, rid)).fourEyesKinds).toEqual(['ADMIT']);
    const r = await t.svc.decide(a, rid, { kind: 'ADMIT', reasonCode: 'OVR_DOCUMENT_VERIFIED', note: 'examined under UV' });
    expect(r.status).toBe('pending');
    const [pending] = await t.svc.listReferrals(a);
    expect(pending).toMatchObject({ status: 'awaiting-confirmation', pendingOverrideId: r.overrideId });
    await expect(t.svc.confirm(a, r.overrideId, { approve: true, note: 'me again' })).rejects.toMatchObject({ code: 'SAME_OFFICER' });
    await expect(t.svc.confirm(b, r.overrideId, { approve: true, note: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await t.svc.confirm(b, r.overrideId, { approve: true, note: 'agree' })).toEqual({ status: 'final' });
    const cv = await t.svc.getCase(b, rid);
    expect(cv.referral.status).toBe('closed');
    expect(cv.overrides[0]).toMatchObject({ officerId: expect.any(String), status: 'final', confirmedBy: expect.any(String) });
    expect(t.decided.at(-1)).toMatchObject({ final: true, kind: 'ADMIT' });
  });

  it('a rejected confirmation reopens the referral; SECONDARY needs no second officer', async () => {
    const t = await setup();
    const rid = await refer(t.store, [{ code: 'MRZ_DG1_MISMATCH' }]);
    const a = (await t.svc.signIn('alice', PW)).token;
    const b = (await t.svc.signIn('bob', PW)).token;
    const r = await t.svc.decide(a, rid, { kind: 'ADMIT', reasonCode: 'OVR_DOCUMENT_VERIFIED', note: 'typo on page' });
    expect(await t.svc.confirm(b, r.overrideId, { approve: false, note: 'not convinced' })).toEqual({ status: 'rejected' });
    expect((await t.svc.listReferrals(a))[0]).toMatchObject({ status: 'open' });
    expect((await t.svc.decide(b, rid, { kind: 'SECONDARY', reasonCode: 'OVR_FURTHER_EXAMINATION', note: 'to booth 3' })).status).toBe('final');
  });

  it('a technician can read statistics but cannot see or decide cases', async () => {
    const t = await setup();
    const rid = await refer(t.store, [{ code: 'CHECK_FAILED' }]);
    const tech = (await t.svc.signIn('tech', PW)).token;
    await expect(t.svc.listReferrals(tech)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(t.svc.getCase(tech, rid)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(t.svc.decide(tech, rid, { kind: 'ADMIT', reasonCode: 'OVR_OTHER', note: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const rows = await t.svc.stats(tech, { minCount: 2 });
    expect(rows.find((r) => r.metric === 'REFER' && r.dimension === 'sex')).toEqual({ dimension: 'sex', value: 'F', metric: 'REFER', count: null });
  });
});
