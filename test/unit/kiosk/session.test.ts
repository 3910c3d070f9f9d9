import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/base/clock.js';
import { DeviceError, KioskError } from '../../../main/base/errors.js';
import { DEFAULT_POLICY, KioskCore, MemoryKioskStore, type KioskEvent, type SessionState } from '../../../main/kiosk/index.js';
import { FakeChecks, FakeChip, FakeSource, chipResult, flush, scanned } from './fixtures.js';

function setup(opts: { storeImages?: boolean } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12));
  const source = new FakeSource();
  const chip = new FakeChip();
  const checks = new FakeChecks();
  const store = new MemoryKioskStore();
  let n = 0;
  const core = new KioskCore({ clock, policy: DEFAULT_POLICY, documents: source, chip, checks, store, newId: () => `s${++n}`, ...opts });
  const events: KioskEvent[] = [];
  core.subscribe((e) => events.push(e));
  core.start();
  const states = () => events.filter((e): e is Extract<KioskEvent, { type: 'state' }> => e.type === 'state').map((e) => e.to);
  return { clock, source, chip, checks, store, core, events, states };
}

async function settle(core: KioskCore) {
  await flush();
  await core.idle();
  await flush();
}

describe('traveller session', () => {
  it('runs idle → detected → MRZ → chip (progress) → checks → decision → CLEAR → closed → idle', async () => {
    const t = setup();
    t.source.emit({ type: 'document-present' });
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    expect(t.states()).toEqual<SessionState[]>(['documentDetected', 'mrzRead', 'chipReading', 'checking', 'deciding', 'clear']);
    expect(t.events.filter((e) => e.type === 'chip-progress')).toHaveLength(2);
    expect(t.chip.calls[0]).toMatchObject({ documentNumber: 'L898902C3', birthDate: '740812', expiryDate: '300415' });
    const snap = t.core.snapshot();
    expect(snap.decision?.outcome).toBe('CLEAR');
    expect(snap.guidance).toBe('CLEAR');
    expect(t.store.decisions.size).toBe(1);
    expect(t.store.referrals.size).toBe(0);
    t.clock.advance(8_000);
    await settle(t.core);
    expect(t.states().slice(-2)).toEqual(['closed', 'idle']);
    expect(t.store.sessions.get('s1')).toMatchObject({ reason: 'clear' });
    expect(t.core.images.size()).toBe(0);
  });

  it('refers a failed check, keeps the photos in memory only, and waits for the officer', async () => {
    const t = setup();
    t.chip.result = chipResult({ passiveAuthentication: { status: 'invalid' } });
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    const snap = t.core.snapshot();
    expect(snap.state).toBe('referred');
    expect(snap.referralId).toBeTruthy();
    expect(snap.decision!.reasons.map((r) => r.code)).toEqual(['CHIP_PA_INVALID']);
    expect(t.events.some((e) => e.type === 'referral-created')).toBe(true);
    expect(t.core.images.get('s1').map((i) => i.kind)).toEqual(['chip-face']);
    expect([...t.store.decisions.values()][0]!.images).toBeUndefined();
    t.core.notifyOfficerDecision({ referralId: snap.referralId!, kind: 'ADMIT', reasonCode: 'OVR_DOCUMENT_VERIFIED', final: true });
    expect(t.core.snapshot().state).toBe('officerDecided');
    t.clock.advance(10_000);
    await settle(t.core);
    expect(t.states().slice(-2)).toEqual(['closed', 'idle']);
    expect(t.store.sessions.get('s1')).toMatchObject({ reason: 'officer' });
  });

  it('stores images with the decision only when the setting allows it', async () => {
    const t = setup({ storeImages: true });
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    expect([...t.store.decisions.values()][0]!.images?.map((i) => i.kind)).toEqual(['chip-face']);
  });

  it('the traveller can cancel before the decision', async () => {
    const t = setup();
    t.chip.hold = true;
    t.source.emit({ type: 'document', document: scanned() });
    await flush();
    expect(t.core.snapshot().state).toBe('chipReading');
    expect(t.core.cancel()).toBe(true);
    await settle(t.core);
    expect(t.states().slice(-2)).toEqual(['closed', 'idle']);
    expect(t.store.decisions.size).toBe(0);
    expect(t.store.sessions.get('s1')).toMatchObject({ reason: 'cancelled' });
    t.chip.release();
    await settle(t.core);
    expect(t.core.snapshot().state).toBe('idle');
    expect(t.core.cancel()).toBe(false);
  });

  it.each(['idle', 'documentDetected', 'chipReading', 'clear', 'scannerFault'] as const)('"ask for an officer" from %s always creates a referral', async (from) => {
    const t = setup();
    if (from === 'documentDetected') t.source.emit({ type: 'document-present' });
    if (from === 'chipReading') {
      t.chip.hold = true;
      t.source.emit({ type: 'document', document: scanned() });
      await flush();
    }
    if (from === 'clear') {
      t.source.emit({ type: 'document', document: scanned() });
      await settle(t.core);
    }
    if (from === 'scannerFault') t.source.emit({ type: 'fault', code: 'UNPLUGGED' });
    expect(t.core.snapshot().state).toBe(from);
    const { referralId } = await t.core.requestOfficer();
    await settle(t.core);
    expect(referralId).toBeTruthy();
    const snap = t.core.snapshot();
    expect(snap.state).toBe('referred');
    expect(snap.referralId).toBe(referralId);
    expect(snap.decision!.outcome).toBe('REFER');
    expect(snap.decision!.reasons.map((r) => r.code)).toContain('TRAVELLER_REQUESTED_REVIEW');
    expect([...t.store.referrals.values()].filter((r) => r.referralId === referralId)).toHaveLength(1);
    // Asking again does not create a second one.
    expect((await t.core.requestOfficer()).referralId).toBe(referralId);
    t.chip.release();
  });

  it('"ask for an officer" during the checks, and again after an officer decided, makes a referral each time', async () => {
    const t = setup();
    let release!: () => void;
    t.checks.run = () => new Promise((r) => (release = () => r([])));
    t.source.emit({ type: 'document', document: scanned() });
    await flush();
    expect(t.core.snapshot().state).toBe('checking');
    const first = await t.core.requestOfficer();
    expect(t.core.snapshot()).toMatchObject({ state: 'referred', referralId: first.referralId });
    release();
    t.core.notifyOfficerDecision({ referralId: first.referralId!, kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED', final: true });
    expect(t.core.snapshot().state).toBe('officerDecided');
    const second = await t.core.requestOfficer();
    await settle(t.core);
    expect(second.referralId).toBeTruthy();
    expect(second.referralId).not.toBe(first.referralId);
    expect(t.core.snapshot()).toMatchObject({ state: 'referred', referralId: second.referralId });
    expect(t.store.referrals.size).toBe(2);
  });

  it('asking for an officer twice (a double press) creates one referral', async () => {
    const t = setup();
    const [a, b] = await Promise.all([t.core.requestOfficer(), t.core.requestOfficer()]);
    await settle(t.core);
    expect(a.referralId).toBeTruthy();
    expect(b.referralId).toBe(a.referralId);
    expect(t.store.referrals.size).toBe(1);
    const c = setup();
    c.chip.hold = true;
    c.source.emit({ type: 'document', document: scanned() });
    await flush();
    const [x, y] = await Promise.all([c.core.requestOfficer(), c.core.requestOfficer(), Promise.resolve(c.chip.release())]);
    await settle(c.core);
    expect(y.referralId).toBe(x.referralId);
    expect(c.store.referrals.size).toBe(1);
  });

  it('warns before a timeout, can extend it, and refers when the chip read times out', async () => {
    const t = setup();
    t.chip.hold = true;
    t.source.emit({ type: 'document', document: scanned() });
    await flush();
    t.clock.advance(45_000);
    const warn = t.events.find((e) => e.type === 'timeout-warning');
    expect(warn).toMatchObject({ state: 'chipReading' });
    expect(t.core.snapshot().timeout?.warning).toBe(true);
    expect(t.core.extendTime()).toBe(true);
    expect(t.events.some((e) => e.type === 'timeout-extended')).toBe(true);
    t.clock.advance(59_000);
    expect(t.core.snapshot().state).toBe('chipReading');
    t.clock.advance(2_000);
    await settle(t.core);
    const snap = t.core.snapshot();
    expect(snap.state).toBe('referred');
    expect(snap.decision!.reasons.map((r) => r.code)).toContain('SESSION_TIMEOUT');
    t.chip.release();
  });

  it('limits extensions', async () => {
    const t = setup();
    t.source.emit({ type: 'document-present' });
    for (let i = 0; i < 3; i++) expect(t.core.extendTime()).toBe(true);
    expect(t.core.extendTime()).toBe(false);
    t.clock.advance(30_000);
    await settle(t.core);
    expect(t.store.sessions.get('s1')).toMatchObject({ reason: 'abandoned' });
    expect(t.store.decisions.size).toBe(0);
  });

  it('a scanner fault shows what to do, and recovers', async () => {
    const t = setup();
    t.source.emit({ type: 'fault', code: 'UNPLUGGED' });
    expect(t.core.snapshot()).toMatchObject({ state: 'scannerFault', guidance: 'SCANNER_FAULT', fault: { code: 'UNPLUGGED' } });
    t.source.emit({ type: 'document', document: scanned() });
    expect(t.core.snapshot().state).toBe('scannerFault');
    t.source.emit({ type: 'recovered' });
    expect(t.core.snapshot().state).toBe('idle');
  });

  it('a fault with a document on the scanner refers and then shows the fault', async () => {
    const t = setup();
    t.source.emit({ type: 'document-present' });
    t.source.emit({ type: 'fault', code: 'PROTOCOL' });
    await settle(t.core);
    expect(t.core.snapshot()).toMatchObject({ state: 'referred', guidance: 'SCANNER_FAULT' });
    expect(t.core.release()).toBe(true);
    await settle(t.core);
    expect(t.core.snapshot().state).toBe('scannerFault');
  });

  it('one session at a time: a second document is ignored', async () => {
    const t = setup();
    t.chip.hold = true;
    t.source.emit({ type: 'document', document: scanned() });
    await flush();
    t.source.emit({ type: 'document', document: scanned({ documentNumber: 'OTHER0000' }) });
    t.chip.release();
    await settle(t.core);
    expect(t.chip.calls).toHaveLength(1);
    expect(t.store.decisions.size).toBe(1);
  });

  it.each([
    ['the chip reader fails', (t: ReturnType<typeof setup>) => void (t.chip.result = new DeviceError('UNPLUGGED', 'reader gone')), 'DEVICE_ERROR'],
    ['the chip is not there', (t: ReturnType<typeof setup>) => void (t.chip.result = new KioskError('TIMEOUT', 'no chip')), 'CHIP_NOT_READ'],
    ['the checks throw', (t: ReturnType<typeof setup>) => void (t.checks.evidence = new Error('worker died')), 'CHECK_NOT_RUN'],
    ['the database is unavailable', (t: ReturnType<typeof setup>) => void (t.store.failWrites = new KioskError('STORAGE_UNAVAILABLE', 'SQLITE_CANTOPEN')), 'STORAGE_UNAVAILABLE'],
    ['the disk is full', (t: ReturnType<typeof setup>) => void (t.store.failWrites = new KioskError('STORAGE_FULL', 'SQLITE_FULL')), 'STORAGE_UNAVAILABLE'],
  ])('refers with a reason, never crashes, when %s', async (_name, arrange, code) => {
    const t = setup();
    arrange(t);
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    const snap = t.core.snapshot();
    expect(snap.state).toBe('referred');
    expect(snap.decision!.outcome).toBe('REFER');
    expect(snap.decision!.reasons.map((r) => r.code)).toContain(code);
    if (code === 'STORAGE_UNAVAILABLE') {
      expect(snap.decisionStored).toBe(false);
      expect(t.events.some((e) => e.type === 'problem' && e.where === 'store.commitDecision')).toBe(true);
      t.core.release();
      await settle(t.core);
      expect(t.core.snapshot().state).toBe('idle');
    }
  });

  it('the next document while a result is shown ends that session and starts the next one', async () => {
    const t = setup();
    t.chip.result = chipResult({ passiveAuthentication: { status: 'invalid' } });
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    const first = t.core.snapshot();
    expect(first.state).toBe('referred');
    t.chip.result = chipResult();
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    expect(t.store.sessions.get('s1')).toMatchObject({ reason: 'released' });
    expect(t.core.snapshot()).toMatchObject({ state: 'clear', sessionId: 's2' });
    expect(t.store.referrals.get(first.referralId!)?.status).toBe('open');
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    expect(t.store.sessions.get('s2')).toMatchObject({ reason: 'clear' });
    expect(t.core.snapshot()).toMatchObject({ state: 'clear', sessionId: 's3' });
  });

  it('a listener that throws does not break the session', async () => {
    const t = setup();
    t.core.subscribe(() => {
      throw new Error('ui bug');
    });
    t.source.emit({ type: 'document', document: scanned() });
    await settle(t.core);
    expect(t.core.snapshot().state).toBe('clear');
  });

  it('an invalid MRZ without a key skips the chip and refers', async () => {
    const t = setup();
    t.source.emit({ type: 'document', document: scanned({ documentNumber: '' }, false) });
    await settle(t.core);
    expect(t.chip.calls).toHaveLength(0);
    expect(t.core.snapshot().decision!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['MRZ_INVALID', 'CHIP_NOT_READ']));
  });
});

describe('memory image cache', () => {
  it('keeps its own copy, wipes it on drop, and forgets images after maxAge', async () => {
    const { MemoryImageCache } = await import('../../../main/kiosk/index.js');
    const clock = new ManualClock();
    const cache = new MemoryImageCache(clock, 1000);
    const mine = new Uint8Array([1, 2, 3]);
    cache.put('s', { kind: 'page', format: 'png', bytes: mine });
    const held = cache.get('s')[0]!.bytes;
    cache.drop('s');
    expect(mine).toEqual(new Uint8Array([1, 2, 3]));
    expect(held).toEqual(new Uint8Array([0, 0, 0]));
    cache.put('t', { kind: 'page', format: 'png', bytes: mine });
    clock.advance(1001);
    expect(cache.get('t')).toEqual([]);
  });
});
