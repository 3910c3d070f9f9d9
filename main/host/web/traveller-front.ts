import type { Clock, TimerHandle } from '../../base/clock.js';
import type { Language, Reason, TravellerPhase, TravellerView } from '../../contract/index.js';
import { reasonText, type DocumentSource, type DocumentSourceEvent, type KioskCore, type KioskEvent, type SessionSnapshot } from '../../kiosk/index.js';

/**
 * The traveller's side of the kiosk as the screens see it. The core owns the session (from the
 * moment a document is on the scanner); this front adds what comes before it — the language
 * choice and the notice of what will be read and why — and turns core snapshots into the
 * contract's TravellerView, with reasons in the traveller's language.
 *
 * Nothing is read before the notice is accepted: the core's document source is gated here, and a
 * document put on the scanner earlier brings the notice up and waits.
 */
export interface FrontTimeouts {
  /** How long the notice / place-document screens wait for the traveller, and when they warn. */
  preSessionMs: number;
  warnBeforeMs: number;
  maxExtensions: number;
}

export const DEFAULT_FRONT_TIMEOUTS: FrontTimeouts = { preSessionMs: 120_000, warnBeforeMs: 30_000, maxExtensions: 3 };

type PreSessionPhase = 'welcome' | 'notice' | 'place-document';

/** A document source that holds events back until the gate opens (the notice was accepted). */
export class GatedDocumentSource implements DocumentSource {
  private readonly listeners = new Set<(e: DocumentSourceEvent) => void>();
  private open = false;
  private held: DocumentSourceEvent[] = [];

  constructor(
    private readonly inner: DocumentSource,
    private readonly onHeldDocument: () => void,
  ) {
    inner.subscribe((e) => this.onEvent(e));
  }

  subscribe(l: (e: DocumentSourceEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  setOpen(open: boolean): void {
    this.open = open;
    if (open) for (const e of this.held.splice(0)) this.deliver(e);
    else this.held = [];
  }

  private onEvent(e: DocumentSourceEvent): void {
    // Faults and recoveries always pass: the traveller must be told when the scanner fails.
    if (this.open || e.type === 'fault' || e.type === 'recovered') return this.deliver(e);
    if (e.type === 'document-removed') {
      this.held = [];
      return;
    }
    this.held.push(e);
    if (this.held.length > 4) this.held.shift();
    this.onHeldDocument();
  }

  private deliver(e: DocumentSourceEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export interface TravellerFrontOptions {
  core: KioskCore;
  gate: GatedDocumentSource;
  clock: Clock;
  timeouts?: Partial<FrontTimeouts>;
  /** Called when the traveller accepted the notice (the simulated traveller places a passport). */
  onReadyForDocument?: () => void;
}

export class TravellerFront {
  private phase: PreSessionPhase = 'welcome';
  private language: Language = 'en';
  private officerRequested = false;
  private referralReasons: Reason[] = [];
  private readonly listeners = new Set<(v: TravellerView) => void>();
  private readonly timeouts: FrontTimeouts;
  private timer: { warn: TimerHandle | null; end: TimerHandle | null; tick: ReturnType<typeof setInterval> | null } = { warn: null, end: null, tick: null };
  private warning: { endsAt: number; extensions: number } | null = null;
  private extensions = 0;
  private lastView: TravellerView | null = null;

  constructor(private readonly opts: TravellerFrontOptions) {
    this.timeouts = { ...DEFAULT_FRONT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    opts.core.subscribe((e) => this.onCoreEvent(e));
  }

  subscribe(l: (v: TravellerView) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Called by the gate when a document arrives before the notice was accepted. */
  documentWaiting(): void {
    if (this.phase === 'welcome') {
      this.phase = 'notice';
      this.armPreSessionTimer();
      this.publish();
    }
  }

  view(): TravellerView {
    const snap = this.opts.core.snapshot();
    const L = this.language;
    let phase: TravellerPhase;
    let message: string | null = null;
    let reasons: Reason[] = [];
    switch (snap.state) {
      case 'idle':
        phase = this.officerRequested ? 'officer-called' : this.phase;
        break;
      case 'documentDetected':
      case 'mrzRead':
        phase = this.officerRequested ? 'officer-called' : 'reading-mrz';
        break;
      case 'chipReading':
        phase = this.officerRequested ? 'officer-called' : 'reading-chip';
        break;
      case 'checking':
      case 'deciding':
        phase = this.officerRequested ? 'officer-called' : 'checking';
        break;
      case 'clear':
        phase = 'clear';
        break;
      case 'referred':
        phase = this.officerRequested ? 'officer-called' : 'refer';
        reasons = this.reasonsOf(snap);
        break;
      case 'officerDecided':
        phase = 'officer-called';
        break;
      case 'scannerFault':
        phase = 'device-problem';
        message = reasonText(snap.guidance ?? 'SCANNER_FAULT', L) ?? reasonText('SCANNER_FAULT', L) ?? null;
        break;
      case 'closed':
      default:
        phase = this.phase;
    }
    const timeout = this.timeoutView(snap);
    const p = snap.progress;
    return {
      sessionId: snap.sessionId,
      phase,
      language: L,
      progress: phase === 'reading-chip' && p ? { bytesRead: p.bytesRead, totalBytes: p.totalBytes ?? 0, file: p.file } : null,
      reasons,
      timeout,
      message,
      officerRequested: this.officerRequested,
    };
  }

  setLanguage(language: Language): TravellerView {
    this.language = language;
    return this.publish();
  }

  start(): TravellerView {
    if (this.phase === 'welcome' && this.opts.core.snapshot().state === 'idle') {
      this.phase = 'notice';
      this.armPreSessionTimer();
    }
    return this.publish();
  }

  acceptNotice(): TravellerView {
    if (this.phase === 'notice') {
      this.phase = 'place-document';
      this.armPreSessionTimer();
      this.opts.gate.setOpen(true);
      this.opts.onReadyForDocument?.();
    }
    return this.publish();
  }

  cancel(): TravellerView {
    const core = this.opts.core;
    const state = core.snapshot().state;
    if (state === 'clear' || state === 'referred' || state === 'officerDecided') core.release();
    else if (state !== 'idle' && state !== 'closed' && state !== 'scannerFault') core.cancel();
    this.reset();
    return this.publish();
  }

  async askOfficer(): Promise<TravellerView> {
    this.officerRequested = true;
    this.clearPreSessionTimer();
    await this.opts.core.requestOfficer();
    return this.publish();
  }

  async requestReview(): Promise<TravellerView> {
    return this.askOfficer();
  }

  extendTime(): TravellerView {
    if (this.warning && this.extensions < this.timeouts.maxExtensions) {
      this.extensions++;
      this.armPreSessionTimer();
    } else {
      this.opts.core.extendTime();
    }
    return this.publish();
  }

  close(): void {
    this.clearPreSessionTimer();
  }

  private reset(): void {
    this.clearPreSessionTimer();
    this.phase = 'welcome';
    this.officerRequested = false;
    this.referralReasons = [];
    this.extensions = 0;
    this.opts.gate.setOpen(false);
  }

  private reasonsOf(snap: SessionSnapshot): Reason[] {
    const rs = snap.decision?.reasons ?? [];
    const out: Reason[] = [];
    const seen = new Set<string>();
    for (const r of rs) {
      // A failed check's own reason (IMAGE_GLARE, MRZ_MISMATCH...) says more than "a check did not pass".
      const specific = r.detail && (r.code === 'CHECK_FAILED' || r.code === 'CHECK_INCONCLUSIVE') ? reasonText(r.detail, this.language) : undefined;
      const code = specific ? r.detail! : r.code;
      if (seen.has(code)) continue;
      seen.add(code);
      out.push({ code, text: specific ?? reasonText(r.code, this.language) ?? r.code });
    }
    return out.length ? out : this.referralReasons;
  }

  private timeoutView(snap: SessionSnapshot): TravellerView['timeout'] {
    const now = this.opts.clock.now();
    if (this.warning && snap.state === 'idle') {
      return { secondsLeft: Math.max(0, Math.ceil((this.warning.endsAt - now) / 1000)), canExtend: this.extensions < this.timeouts.maxExtensions };
    }
    const t = snap.timeout;
    if (t && t.warning) return { secondsLeft: Math.max(0, Math.ceil((t.expiresAt - now) / 1000)), canExtend: t.extensions < 3 };
    return null;
  }

  private armPreSessionTimer(): void {
    this.clearPreSessionTimer();
    const { clock } = this.opts;
    const { preSessionMs, warnBeforeMs } = this.timeouts;
    const endsAt = clock.now() + preSessionMs;
    this.timer.warn = clock.setTimeout(() => {
      this.warning = { endsAt, extensions: this.extensions };
      this.timer.tick = setInterval(() => this.publish(), 1000);
      this.timer.tick.unref?.();
      this.publish();
    }, Math.max(0, preSessionMs - warnBeforeMs));
    this.timer.end = clock.setTimeout(() => {
      if (this.opts.core.snapshot().state === 'idle' && !this.officerRequested) {
        this.reset();
        this.publish();
      }
    }, preSessionMs);
  }

  private clearPreSessionTimer(): void {
    const { clock } = this.opts;
    if (this.timer.warn) clock.clearTimeout(this.timer.warn);
    if (this.timer.end) clock.clearTimeout(this.timer.end);
    if (this.timer.tick) clearInterval(this.timer.tick);
    this.timer = { warn: null, end: null, tick: null };
    this.warning = null;
  }

  private onCoreEvent(e: KioskEvent): void {
    if (e.type === 'state') {
      if (e.to !== 'idle') this.clearPreSessionTimer();
      if (e.to === 'closed' || (e.to === 'idle' && e.from !== 'idle')) {
        // The session ended (or the kiosk freed itself): back to the welcome screen.
        this.reset();
      }
    }
    if (e.type === 'referral-created') {
      this.referralReasons = e.reasons.map((r) => ({ code: r.code, text: reasonText(r.code, this.language) ?? r.code }));
    }
    this.publish();
  }

  private publish(): TravellerView {
    const v = this.view();
    const key = JSON.stringify(v);
    if (!this.lastView || JSON.stringify(this.lastView) !== key) {
      this.lastView = v;
      for (const l of [...this.listeners]) l(v);
    }
    return v;
  }
}
