import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/base/clock.js';
import { DEFAULT_POLICY, KioskCore, MemoryKioskStore } from '../../../main/kiosk/index.js';
import { GatedDocumentSource, TravellerFront } from '../../../main/host/web/traveller-front.js';
import type { TravellerView } from '../../../main/contract/index.js';
import { FakeChecks, FakeChip, FakeSource, flush, passingEvidence, scanned } from '../kiosk/fixtures.js';

function setup(frontTimeouts = { preSessionMs: 60_000, warnBeforeMs: 20_000, maxExtensions: 2 }) {
  const clock = new ManualClock();
  const source = new FakeSource();
  const chip = new FakeChip();
  const checks = new FakeChecks();
  let front: TravellerFront | null = null;
  const gate = new GatedDocumentSource(source, () => front?.documentWaiting());
  const core = new KioskCore({ clock, policy: DEFAULT_POLICY, documents: gate, chip, checks, store: new MemoryKioskStore() });
  core.start();
  let ready = 0;
  front = new TravellerFront({ core, gate, clock, timeouts: frontTimeouts, onReadyForDocument: () => ready++ });
  const views: TravellerView[] = [];
  front.subscribe((v) => views.push(v));
  const settle = async () => {
    await flush();
    await core.idle();
    await flush();
  };
  return { clock, source, chip, checks, core, front, views, settle, readyCount: () => ready };
}

describe('traveller front', () => {
  it('reads nothing before the notice is accepted; a passport put down early brings the notice up and waits', async () => {
    const t = setup();
    expect(t.front.view().phase).toBe('welcome');
    t.source.emit({ type: 'document', document: scanned() });
    await t.settle();
    expect(t.core.snapshot().state).toBe('idle');
    expect(t.chip.calls).toHaveLength(0);
    expect(t.front.view().phase).toBe('notice');
    t.front.acceptNotice();
    await t.settle();
    expect(t.chip.calls).toHaveLength(1);
    expect(t.readyCount()).toBe(1);
    expect(['clear', 'refer']).toContain(t.front.view().phase);
  });

  it('goes welcome → notice → place-document → CLEAR, then back to welcome when released', async () => {
    const t = setup();
    t.front.setLanguage('fr');
    expect(t.front.start().phase).toBe('notice');
    expect(t.front.acceptNotice().phase).toBe('place-document');
    t.checks.evidence = passingEvidence;
    t.source.emit({ type: 'document', document: scanned() });
    await t.settle();
    const v = t.front.view();
    expect(v.phase).toBe('clear');
    expect(v.language).toBe('fr');
    expect(t.views.map((x) => x.phase)).toContain('reading-chip');
    expect(t.front.cancel().phase).toBe('welcome');
  });

  it('shows the plain reason in the traveller language, the specific one for a failed check', async () => {
    const t = setup();
    t.front.setLanguage('es');
    t.front.start();
    t.front.acceptNotice();
    t.checks.evidence = passingEvidence.map((e) => (e.check === 'image-glare' ? { ...e, status: 'fail' as const, reasonCode: 'IMAGE_GLARE' } : e));
    t.source.emit({ type: 'document', document: scanned() });
    await t.settle();
    const v = t.front.view();
    expect(v.phase).toBe('refer');
    expect(v.reasons.map((r) => r.code)).toContain('IMAGE_GLARE');
    expect(v.reasons.find((r) => r.code === 'IMAGE_GLARE')!.text).toMatch(/reflejo/);
  });

  it('asking for an officer works before any document and creates a referral', async () => {
    const t = setup();
    t.front.start();
    const v = await t.front.askOfficer();
    expect(v.phase).toBe('officer-called');
    expect(v.officerRequested).toBe(true);
  });

  it('warns before the pre-session timeout, can be extended, and returns to welcome when it runs out', async () => {
    const t = setup({ preSessionMs: 60_000, warnBeforeMs: 20_000, maxExtensions: 1 });
    t.front.start();
    t.front.acceptNotice();
    t.clock.advance(39_000);
    expect(t.front.view().timeout).toBeNull();
    t.clock.advance(2_000);
    expect(t.front.view().timeout).toMatchObject({ canExtend: true });
    expect(t.front.view().timeout!.secondsLeft).toBeLessThanOrEqual(20);
    t.front.extendTime();
    expect(t.front.view().timeout).toBeNull();
    expect(t.front.view().phase).toBe('place-document');
    t.clock.advance(41_000);
    expect(t.front.view().timeout).toMatchObject({ canExtend: false });
    t.clock.advance(20_000);
    expect(t.front.view().phase).toBe('welcome');
    // The gate closed again: a passport now does not start a read.
    t.source.emit({ type: 'document', document: scanned() });
    await t.settle();
    expect(t.chip.calls).toHaveLength(0);
  });
});
