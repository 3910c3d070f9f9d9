/**
 * The traveller session: a typed state machine driven by events from the ports.
 *
 *   idle → documentDetected → mrzRead → chipReading → checking → deciding → clear → closed → idle
 *                                                                        ↘ referred → officerDecided → closed
 *   any state ──REQUEST_OFFICER──→ referred (always creates a referral)
 *   idle/documentDetected ──scanner fault──→ scannerFault (tells the traveller what to do) ──recovered──→ idle
 *
 * One session at a time. Timeouts warn first (timeout-warning event) and can be extended
 * (EXTEND_TIME); the traveller can CANCEL before the decision. Anything that throws inside the
 * pipeline (device, checks, storage) ends in REFER with a reason, never in a crash.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../base/clock.js';
import { asKioskError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import { MemoryImageCache } from './images.js';
import { ageAt, ageBand, decide, failureDecision, type PolicyConfig } from './policy.js';
import type { GuidanceCode } from './reasons.js';
import type {
  ChipReaderPort,
  DecisionCommitResult,
  DocumentChecksPort,
  DocumentSource,
  DocumentSourceEvent,
  KioskStore,
  SessionEndReason,
  StoredImage,
} from './ports.js';
import type {
  CheckEvidence,
  ChipProgress,
  Decision,
  DecisionInputs,
  DecisionReason,
  GroupAttributes,
  OfficerDecisionKind,
  ScannedDocument,
} from './types.js';

export type SessionState =
  | 'idle'
  | 'documentDetected'
  | 'mrzRead'
  | 'chipReading'
  | 'checking'
  | 'deciding'
  | 'clear'
  | 'referred'
  | 'officerDecided'
  | 'closed'
  | 'scannerFault';

export const SESSION_STATES: readonly SessionState[] = [
  'idle', 'documentDetected', 'mrzRead', 'chipReading', 'checking', 'deciding', 'clear', 'referred', 'officerDecided', 'closed', 'scannerFault',
];

export interface TimeoutSpec {
  /** Time allowed in the state. */
  ms: number;
  /** A warning is emitted this long before the end (0: no warning, the state just ends). */
  warnBeforeMs: number;
}

export interface SessionTimeouts {
  /** Document on the scanner, MRZ not decoded yet. On expiry: the session is abandoned. */
  documentDetected: TimeoutSpec;
  /** Chip read, including the traveller holding the document on the reader. On expiry: REFER. */
  chipReading: TimeoutSpec;
  /** Document checks. On expiry: REFER. */
  checking: TimeoutSpec;
  /** How long CLEAR is shown before the kiosk returns to idle. */
  clear: TimeoutSpec;
  /** How long REFER is shown before the kiosk frees itself (the referral stays in the queue). */
  referred: TimeoutSpec;
  /** How long the officer's decision is shown. */
  officerDecided: TimeoutSpec;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = {
  documentDetected: { ms: 30_000, warnBeforeMs: 10_000 },
  chipReading: { ms: 60_000, warnBeforeMs: 15_000 },
  checking: { ms: 30_000, warnBeforeMs: 0 },
  clear: { ms: 8_000, warnBeforeMs: 0 },
  referred: { ms: 180_000, warnBeforeMs: 0 },
  officerDecided: { ms: 10_000, warnBeforeMs: 0 },
};

export interface SessionTimeoutView {
  state: SessionState;
  startedAt: number;
  expiresAt: number;
  warnAt: number | null;
  warning: boolean;
  extensions: number;
}

export interface SessionSnapshot {
  state: SessionState;
  sessionId: string | null;
  startedAt: number | null;
  /** What the traveller should be told now. */
  guidance: GuidanceCode | null;
  progress: ChipProgress | null;
  timeout: SessionTimeoutView | null;
  decision: Decision | null;
  /** False when the decision could not be stored (it was still REFER). */
  decisionStored: boolean;
  referralId: string | null;
  officerDecision: { kind: OfficerDecisionKind; reasonCode: string } | null;
  fault: { code: string } | null;
  closeReason: SessionEndReason | null;
}

/** The typed event stream the UI host observes. */
export type KioskEvent =
  | { type: 'state'; at: number; from: SessionState; to: SessionState; snapshot: SessionSnapshot }
  | { type: 'chip-progress'; at: number; sessionId: string; progress: ChipProgress }
  | { type: 'timeout-warning'; at: number; sessionId: string; state: SessionState; expiresAt: number }
  | { type: 'timeout-extended'; at: number; sessionId: string; state: SessionState; expiresAt: number; extensions: number }
  | { type: 'decision'; at: number; sessionId: string; decision: Decision; stored: boolean; decisionId: string | null; referralId: string | null }
  | { type: 'referral-created'; at: number; sessionId: string; referralId: string; reasons: DecisionReason[] }
  | { type: 'officer-decision'; at: number; sessionId: string | null; referralId: string; kind: OfficerDecisionKind; final: boolean }
  | { type: 'session-closed'; at: number; sessionId: string; reason: SessionEndReason; durationMs: number }
  | { type: 'problem'; at: number; sessionId: string | null; code: string; where: string };

export type KioskEventType = KioskEvent['type'];

export type KioskCommand = { type: 'CANCEL' } | { type: 'EXTEND_TIME' } | { type: 'REQUEST_OFFICER' } | { type: 'RELEASE' };

export interface KioskCoreOptions {
  clock: Clock;
  policy: PolicyConfig;
  documents: DocumentSource;
  chip: ChipReaderPort;
  checks: DocumentChecksPort;
  store: KioskStore;
  kioskId?: string;
  timeouts?: Partial<SessionTimeouts>;
  /** How many times the traveller may extend one timeout. */
  maxExtensions?: number;
  /** Store biometric images (sealed) with the decision. Default false: memory only. */
  storeImages?: boolean;
  images?: MemoryImageCache;
  logger?: Logger;
  /** Session ids (tests make them deterministic). */
  newId?: () => string;
}

type AbortReason = 'cancel' | 'officer' | 'timeout' | 'stop';

interface ActiveSession {
  id: string;
  startedAt: number;
  startedMono: number;
  document: ScannedDocument | null;
  inputs: DecisionInputs;
  evidence: CheckEvidence[];
  abort: AbortController;
  abortReason: AbortReason | null;
  pipeline: Promise<void> | null;
  decision: Decision | null;
  commit: DecisionCommitResult | null;
  /** The decision being committed now (a second "ask for an officer" waits for it). */
  committing: Promise<void> | null;
}

const PRE_DECISION: ReadonlySet<SessionState> = new Set(['documentDetected', 'mrzRead', 'chipReading', 'checking', 'deciding']);

/** Thrown inside the pipeline when the session was aborted (cancel, officer request, timeout). */
class Aborted extends Error {}

export class KioskCore {
  readonly kioskId: string;
  readonly images: MemoryImageCache;
  private readonly clock: Clock;
  private readonly policyRef: { current: PolicyConfig };
  private readonly timeouts: SessionTimeouts;
  private readonly maxExtensions: number;
  private readonly log: Logger;
  private readonly newId: () => string;
  private readonly listeners = new Set<(e: KioskEvent) => void>();
  private unsubscribeSource: (() => void) | null = null;

  private snap: SessionSnapshot = KioskCore.idleSnapshot();
  private session: ActiveSession | null = null;
  private timer: { warn: TimerHandle | null; end: TimerHandle | null } = { warn: null, end: null };
  private pendingFault: { code: string } | null = null;
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: KioskCoreOptions) {
    this.clock = opts.clock;
    this.policyRef = { current: opts.policy };
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    this.maxExtensions = opts.maxExtensions ?? 3;
    this.log = (opts.logger ?? nullLogger).child('session');
    this.kioskId = opts.kioskId ?? 'kiosk-1';
    this.newId = opts.newId ?? randomUUID;
    this.images = opts.images ?? new MemoryImageCache(opts.clock);
  }

  private static idleSnapshot(): SessionSnapshot {
    return {
      state: 'idle', sessionId: null, startedAt: null, guidance: 'PLACE_DOCUMENT', progress: null, timeout: null, decision: null,
      decisionStored: false, referralId: null, officerDecision: null, fault: null, closeReason: null,
    };
  }

  // ------------------------------------------------------------ public API

  /** Starts listening to the document source. */
  start(): void {
    if (this.unsubscribeSource) return;
    this.unsubscribeSource = this.opts.documents.subscribe((e) => this.onSourceEvent(e));
  }

  /** Stops listening, aborts a running pipeline and waits for it. */
  async stop(): Promise<void> {
    this.unsubscribeSource?.();
    this.unsubscribeSource = null;
    if (this.session && PRE_DECISION.has(this.snap.state)) this.abortSession('stop');
    await this.idle();
    this.clearTimers();
  }

  get policy(): PolicyConfig {
    return this.policyRef.current;
  }

  /** Replaces the policy for the next sessions (the caller audits the change). */
  setPolicy(p: PolicyConfig): void {
    this.policyRef.current = p;
  }

  snapshot(): SessionSnapshot {
    return structuredClone(this.snap);
  }

  /** Subscribes to the event stream; returns the unsubscribe function. */
  subscribe(listener: (e: KioskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event matching `pred` (rejects after timeoutMs of the injected clock, if given). */
  waitFor<T extends KioskEvent = KioskEvent>(pred: (e: KioskEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (e: KioskEvent) => boolean, timeoutMs?: number): Promise<KioskEvent>;
  waitFor(pred: (e: KioskEvent) => boolean, timeoutMs?: number): Promise<KioskEvent> {
    return new Promise((resolve, reject) => {
      let h: TimerHandle | null = null;
      const off = this.subscribe((e) => {
        if (!pred(e)) return;
        off();
        if (h) this.clock.clearTimeout(h);
        resolve(e);
      });
      if (timeoutMs !== undefined) {
        h = this.clock.setTimeout(() => {
          off();
          reject(new Error('waitFor timed out'));
        }, timeoutMs);
      }
    });
  }

  /** Resolves when no pipeline or store work is running. */
  async idle(): Promise<void> {
    for (;;) {
      const w = this.work;
      await w.catch(() => undefined);
      if (w === this.work) return;
    }
  }

  send(cmd: KioskCommand): void {
    switch (cmd.type) {
      case 'CANCEL':
        this.cancel();
        return;
      case 'EXTEND_TIME':
        this.extendTime();
        return;
      case 'REQUEST_OFFICER':
        void this.requestOfficer();
        return;
      case 'RELEASE':
        this.release();
        return;
    }
  }

  /** The traveller cancels. Possible before the decision only; returns whether it was accepted. */
  cancel(): boolean {
    if (!this.session || !PRE_DECISION.has(this.snap.state) || this.snap.state === 'deciding') return false;
    if (this.session.pipeline) {
      this.abortSession('cancel');
      return true;
    }
    const s = this.session;
    this.track(this.closeSession(s, 'cancelled'));
    return true;
  }

  /** The traveller asks for more time; returns whether it was granted. */
  extendTime(): boolean {
    const t = this.snap.timeout;
    if (!t || !this.session || t.extensions >= this.maxExtensions) return false;
    const spec = this.timeouts[t.state as keyof SessionTimeouts];
    if (!spec) return false;
    this.armTimers(t.state, spec, t.extensions + 1);
    const nt = this.snap.timeout!;
    this.emit({ type: 'timeout-extended', at: this.clock.now(), sessionId: this.session.id, state: t.state, expiresAt: nt.expiresAt, extensions: nt.extensions });
    return true;
  }

  /**
   * "Ask for an officer": from every state. Always ends with a referral (an existing one when the
   * session is already referred). Resolves with the referral id (null only when storage failed:
   * the traveller is still sent to the officer's desk).
   */
  async requestOfficer(): Promise<{ referralId: string | null }> {
    const state = this.snap.state;
    // An open referral is already waiting for an officer. (After an officer decided, asking again
    // is a new request for review: it makes a new referral below.)
    if (state === 'referred' && this.snap.referralId) return { referralId: this.snap.referralId };
    if (this.session?.pipeline && PRE_DECISION.has(state)) {
      const s = this.session;
      this.abortSession('officer');
      await s.pipeline;
      if (this.session !== s || this.snap.state !== 'clear') return { referralId: this.snap.sessionId === s.id ? this.snap.referralId : null };
      // The pipeline had already decided CLEAR: refer now, as asked.
    }
    if (this.session?.committing) {
      // A decision is being committed (e.g. the button was pressed twice): that one is the referral.
      const s = this.session;
      await s.committing;
      if (this.session !== s || this.snap.state !== 'clear') return { referralId: this.snap.sessionId === s.id ? this.snap.referralId : null };
    }
    // idle, documentDetected (no pipeline), scannerFault, clear, referred without id: refer now.
    const s = this.session ?? this.beginSession();
    const extra: DecisionReason[] = [{ code: 'TRAVELLER_REQUESTED_REVIEW' }];
    if (this.snap.fault) extra.push({ code: 'SCANNER_FAULT', detail: this.snap.fault.code });
    s.inputs.travellerRequestedReview = true;
    const p = this.decideAndCommit(s, extra, true);
    this.track(p);
    await p;
    return { referralId: this.snap.sessionId === s.id ? this.snap.referralId : null };
  }

  /** Frees the kiosk from a shown REFER/CLEAR/officer decision (the referral stays in the queue). */
  release(): boolean {
    const s = this.session;
    if (!s) return false;
    const st = this.snap.state;
    if (st === 'referred') this.track(this.closeSession(s, 'released'));
    else if (st === 'clear') this.track(this.closeSession(s, 'clear'));
    else if (st === 'officerDecided') this.track(this.closeSession(s, this.snap.officerDecision?.kind === 'RESCAN' ? 'rescan' : 'officer'));
    else return false;
    return true;
  }

  /** Called by the officer service when an officer decided a referral. */
  notifyOfficerDecision(d: { referralId: string; kind: OfficerDecisionKind; reasonCode: string; final: boolean }): void {
    const mine = this.session && this.snap.referralId === d.referralId;
    this.emit({ type: 'officer-decision', at: this.clock.now(), sessionId: mine ? this.session!.id : null, referralId: d.referralId, kind: d.kind, final: d.final });
    if (!mine || !d.final || this.snap.state !== 'referred') return;
    this.transition('officerDecided', { officerDecision: { kind: d.kind, reasonCode: d.reasonCode }, guidance: null });
  }

  // ------------------------------------------------------------ device events

  private onSourceEvent(e: DocumentSourceEvent): void {
    try {
      switch (e.type) {
        case 'document-present':
          if (this.snap.state === 'idle') {
            this.beginSession();
            this.transition('documentDetected', { guidance: 'KEEP_DOCUMENT_STILL' });
          }
          return;
        case 'document':
          if (this.snap.state === 'idle' || (this.snap.state === 'documentDetected' && this.session && !this.session.pipeline)) {
            const s = this.session ?? this.beginSession();
            if (this.snap.state === 'idle') this.transition('documentDetected', { guidance: 'KEEP_DOCUMENT_STILL' });
            s.document = e.document;
            s.inputs.mrz = e.document.mrz;
            s.inputs.mrzLines = e.document.lines;
            if (e.document.pageImage) this.images.put(s.id, { kind: 'page', format: e.document.pageImage.format, bytes: e.document.pageImage.bytes });
            s.pipeline = this.runPipeline(s);
            this.track(s.pipeline);
          } else if (this.session && (this.snap.state === 'clear' || this.snap.state === 'referred' || this.snap.state === 'officerDecided')) {
            // The next traveller is already at the scanner: end the shown result (a referral stays
            // in the queue) and start their session.
            const st = this.snap.state;
            const reason: SessionEndReason = st === 'clear' ? 'clear' : st === 'referred' ? 'released' : this.snap.officerDecision?.kind === 'RESCAN' ? 'rescan' : 'officer';
            this.track(this.closeSession(this.session, reason).then(() => this.onSourceEvent(e)));
          } else {
            this.log.info('document ignored: a session is running', { state: this.snap.state });
          }
          return;
        case 'document-removed':
          if (this.snap.state === 'documentDetected' && this.session && !this.session.pipeline) this.track(this.closeSession(this.session, 'abandoned'));
          return;
        case 'fault':
          this.onFault(e.code);
          return;
        case 'recovered':
          this.pendingFault = null;
          if (this.snap.state === 'scannerFault') this.transition('idle', { ...KioskCore.idleSnapshot() });
          return;
      }
    } catch (err) {
      this.problem(err, 'source-event');
    }
  }

  private onFault(code: string): void {
    this.log.warn('scanner fault', { code });
    const st = this.snap.state;
    if (st === 'idle') {
      this.transition('scannerFault', { fault: { code }, guidance: 'SCANNER_FAULT' });
    } else if (st === 'documentDetected' && this.session && !this.session.pipeline) {
      // The document is on a scanner that stopped: tell the traveller and hand over to an officer.
      const s = this.session;
      this.snap.fault = { code };
      this.pendingFault = { code };
      this.track(this.decideAndCommit(s, [{ code: 'SCANNER_FAULT', detail: code }], false));
    } else {
      // The rest of the session no longer needs the scanner; show the fault when it ends.
      this.pendingFault = { code };
    }
  }

  // ------------------------------------------------------------ the pipeline

  private beginSession(): ActiveSession {
    const s: ActiveSession = {
      id: this.newId(),
      startedAt: this.clock.now(),
      startedMono: this.clock.monotonic(),
      document: null,
      inputs: { mrz: null, chip: null, chipError: null, checksError: null, travellerRequestedReview: false },
      evidence: [],
      abort: new AbortController(),
      abortReason: null,
      pipeline: null,
      decision: null,
      commit: null,
      committing: null,
    };
    this.session = s;
    this.snap = { ...KioskCore.idleSnapshot(), sessionId: s.id, startedAt: s.startedAt, fault: this.snap.fault };
    return s;
  }

  private abortSession(reason: AbortReason): void {
    const s = this.session;
    if (!s || s.abort.signal.aborted) return;
    s.abortReason = reason;
    s.abort.abort(new Aborted(reason));
  }

  /** Races a port call against the session's abort signal. */
  private step<T>(s: ActiveSession, p: Promise<T>): Promise<T> {
    const signal = s.abort.signal;
    // If we stop waiting for it, its late failure must not become an unhandled rejection.
    p.catch(() => undefined);
    if (signal.aborted) return Promise.reject(new Aborted(String(s.abortReason)));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new Aborted(String(s.abortReason)));
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  private async runPipeline(s: ActiveSession): Promise<void> {
    // Yield first: the caller records this promise as the session's pipeline before any listener
    // can react to the transitions below (e.g. ask for an officer from inside a listener).
    await null;
    const extra: DecisionReason[] = [];
    try {
      const doc = s.document!;
      this.transition('mrzRead', { guidance: 'KEEP_DOCUMENT_STILL' });
      const f = doc.mrz.fields;
      if (f.documentNumber && f.birthDate && f.expiryDate) {
        this.transition('chipReading', { guidance: 'KEEP_DOCUMENT_STILL', progress: null });
        try {
          const chip = await this.step(
            s,
            this.opts.chip.read(
              { documentNumber: f.documentNumber, birthDate: f.birthDate, expiryDate: f.expiryDate, mrzLines: doc.lines },
              { signal: s.abort.signal, onProgress: (p) => this.onProgress(s, p) },
            ),
          );
          s.inputs.chip = chip;
          if (chip.faceImage?.bytes) this.images.put(s.id, { kind: 'chip-face', format: chip.faceImage.format, bytes: chip.faceImage.bytes });
        } catch (e) {
          if (e instanceof Aborted) throw e;
          const k = asKioskError(e);
          s.inputs.chipError = { code: k.code, message: k.message };
          this.log.warn('chip read failed', { code: k.code });
          if (!['ACCESS_DENIED', 'TIMEOUT', 'CARD_LOST', 'NO_CHIP'].includes(k.code)) extra.push({ code: 'DEVICE_ERROR', check: 'chip.read', detail: k.code });
        }
      } else {
        s.inputs.chipError = { code: 'NO_ACCESS_KEY', message: 'the MRZ did not give a chip access key' };
      }

      this.transition('checking', { guidance: 'KEEP_DOCUMENT_STILL', progress: null });
      try {
        s.evidence = await this.step(s, this.opts.checks.run({ document: doc, chip: s.inputs.chip }, { signal: s.abort.signal }));
      } catch (e) {
        if (e instanceof Aborted) throw e;
        const k = asKioskError(e);
        s.inputs.checksError = { code: k.code, message: k.message };
        s.evidence = [];
        this.log.warn('document checks failed', { code: k.code });
      }
    } catch (e) {
      if (!(e instanceof Aborted)) {
        this.problem(e, 'pipeline');
        extra.push({ code: 'INTERNAL_ERROR', detail: asKioskError(e).code });
      } else if (s.abortReason === 'cancel' || s.abortReason === 'stop') {
        await this.closeSession(s, 'cancelled');
        return;
      } else if (s.abortReason === 'officer') {
        s.inputs.travellerRequestedReview = true;
        extra.push({ code: 'TRAVELLER_REQUESTED_REVIEW' });
      } else if (s.abortReason === 'timeout') {
        extra.push({ code: 'SESSION_TIMEOUT' });
      }
    }
    await this.decideAndCommit(s, extra, false);
  }

  private onProgress(s: ActiveSession, p: ChipProgress): void {
    if (this.session !== s || this.snap.state !== 'chipReading') return;
    this.snap.progress = { ...p };
    this.emit({ type: 'chip-progress', at: this.clock.now(), sessionId: s.id, progress: { ...p } });
  }

  private groupOf(s: ActiveSession): GroupAttributes {
    const f = s.inputs.chip?.dg1?.fields ?? s.inputs.mrz?.fields ?? {};
    return {
      nationality: /^[A-Z<]{3}$/.test(f.nationality ?? '') ? f.nationality! : 'unknown',
      sex: f.sex === 'M' || f.sex === 'F' || f.sex === 'X' ? f.sex : f.sex === '<' || f.sex === '' ? 'X' : 'unknown',
      ageBand: ageBand(f.birthDate ? ageAt(f.birthDate, this.clock.now()) : undefined),
    };
  }

  /** Decides (or refers on any failure), commits durably, and shows CLEAR or REFER. Never throws. */
  private decideAndCommit(s: ActiveSession, extra: DecisionReason[], forceRefer: boolean): Promise<void> {
    const p = this.decideAndCommitNow(s, extra, forceRefer).finally(() => {
      if (s.committing === p) s.committing = null;
    });
    s.committing = p;
    return p;
  }

  private async decideAndCommitNow(s: ActiveSession, extra: DecisionReason[], forceRefer: boolean): Promise<void> {
    this.clearTimers();
    if (this.snap.state !== 'deciding') this.transition('deciding', { guidance: null, progress: null });
    const now = this.clock.now();
    let decision: Decision;
    try {
      const onlyExtra = !s.document;
      decision = onlyExtra
        ? failureDecision(this.policy, now, extra)
        : decide(this.policy, s.inputs, s.evidence, now, { reasons: extra });
      if (forceRefer && decision.outcome === 'CLEAR') decision = failureDecision(this.policy, now, extra, decision.evidence);
      if (decision.outcome !== 'CLEAR' && decision.outcome !== 'REFER') throw new Error('policy produced an unknown outcome');
    } catch (e) {
      this.problem(e, 'policy');
      decision = failureDecision(this.policy, now, [...extra, { code: 'INTERNAL_ERROR', detail: asKioskError(e).code }], s.evidence);
    }

    let commit: DecisionCommitResult | null = null;
    const images: StoredImage[] = this.opts.storeImages ? this.images.get(s.id) : [];
    try {
      commit = await this.opts.store.commitDecision({
        sessionId: s.id,
        kioskId: this.kioskId,
        startedAt: s.startedAt,
        decision,
        inputs: s.inputs,
        group: this.groupOf(s),
        ...(images.length ? { images } : {}),
      });
    } catch (e) {
      const k = asKioskError(e, 'STORAGE_UNAVAILABLE');
      this.problem(k, 'store.commitDecision');
      // A CLEAR that cannot be recorded is not a CLEAR: the traveller goes to an officer.
      decision = {
        ...decision,
        outcome: 'REFER',
        reasons: [...decision.reasons.filter((r) => r.code !== 'ALL_CHECKS_PASSED'), { code: 'STORAGE_UNAVAILABLE', detail: k.code }],
      };
    }
    if (this.session !== s) return;
    s.decision = decision;
    s.commit = commit;
    const referralId = commit?.referralId ?? null;
    this.emit({ type: 'decision', at: this.clock.now(), sessionId: s.id, decision: structuredClone(decision), stored: commit !== null, decisionId: commit?.decisionId ?? null, referralId });
    if (decision.outcome === 'CLEAR') {
      this.transition('clear', { decision, decisionStored: true, referralId: null, guidance: 'CLEAR' });
    } else {
      if (referralId) this.emit({ type: 'referral-created', at: this.clock.now(), sessionId: s.id, referralId, reasons: decision.reasons });
      this.transition('referred', { decision, decisionStored: commit !== null, referralId, guidance: this.snap.fault ? 'SCANNER_FAULT' : 'REFER' });
    }
  }

  private async closeSession(s: ActiveSession, reason: SessionEndReason): Promise<void> {
    if (this.session !== s) return;
    this.clearTimers();
    this.transition('closed', { closeReason: reason, guidance: reason === 'cancelled' ? 'CANCELLED' : null });
    this.session = null;
    // Images stay in memory only while a referral is open for them.
    if (!s.commit?.referralId) this.images.drop(s.id);
    this.emit({ type: 'session-closed', at: this.clock.now(), sessionId: s.id, reason, durationMs: this.clock.monotonic() - s.startedMono });
    try {
      await this.opts.store.closeSession(s.id, reason, this.clock.now());
    } catch (e) {
      this.problem(e, 'store.closeSession');
    }
    if (this.session) return;
    const fault = this.pendingFault;
    if (fault) this.transition('scannerFault', { ...KioskCore.idleSnapshot(), fault, guidance: 'SCANNER_FAULT' });
    else this.transition('idle', { ...KioskCore.idleSnapshot() });
  }

  // ------------------------------------------------------------ timers

  private clearTimers(): void {
    if (this.timer.warn) this.clock.clearTimeout(this.timer.warn);
    if (this.timer.end) this.clock.clearTimeout(this.timer.end);
    this.timer = { warn: null, end: null };
    this.snap.timeout = null;
  }

  private armTimers(state: SessionState, spec: TimeoutSpec, extensions: number): void {
    this.clearTimers();
    const now = this.clock.now();
    const warnAt = spec.warnBeforeMs > 0 && spec.warnBeforeMs < spec.ms ? now + spec.ms - spec.warnBeforeMs : null;
    this.snap.timeout = { state, startedAt: now, expiresAt: now + spec.ms, warnAt, warning: false, extensions };
    if (warnAt !== null) {
      this.timer.warn = this.clock.setTimeout(() => {
        this.timer.warn = null;
        if (this.snap.state !== state || !this.session || !this.snap.timeout) return;
        this.snap.timeout.warning = true;
        this.emit({ type: 'timeout-warning', at: this.clock.now(), sessionId: this.session.id, state, expiresAt: this.snap.timeout.expiresAt });
      }, spec.ms - spec.warnBeforeMs);
    }
    this.timer.end = this.clock.setTimeout(() => {
      this.timer.end = null;
      if (this.snap.state === state) this.onTimeout(state);
    }, spec.ms);
  }

  private onTimeout(state: SessionState): void {
    const s = this.session;
    if (!s) return;
    this.log.info('state timed out', { state });
    switch (state) {
      case 'documentDetected':
        if (!s.pipeline) this.track(this.closeSession(s, 'abandoned'));
        return;
      case 'chipReading':
      case 'checking':
        this.abortSession('timeout');
        return;
      case 'clear':
        this.track(this.closeSession(s, 'clear'));
        return;
      case 'referred':
        this.track(this.closeSession(s, 'released'));
        return;
      case 'officerDecided':
        this.track(this.closeSession(s, this.snap.officerDecision?.kind === 'RESCAN' ? 'rescan' : 'officer'));
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------ plumbing

  private transition(to: SessionState, patch: Partial<SessionSnapshot>): void {
    const from = this.snap.state;
    this.clearTimers();
    this.snap = { ...this.snap, ...patch, state: to, timeout: null };
    const spec = (this.timeouts as unknown as Record<string, TimeoutSpec | undefined>)[to];
    if (spec && this.session) this.armTimers(to, spec, 0);
    this.emit({ type: 'state', at: this.clock.now(), from, to, snapshot: this.snapshot() });
  }

  private emit(e: KioskEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log.error('event listener threw', { error: err });
      }
    }
  }

  private problem(e: unknown, where: string): void {
    const k = asKioskError(e);
    this.log.error('problem in the session', { where, code: k.code, error: k });
    this.emit({ type: 'problem', at: this.clock.now(), sessionId: this.session?.id ?? null, code: k.code, where });
  }

  private track(p: Promise<unknown>): void {
    const prev = this.work;
    this.work = Promise.all([prev.catch(() => undefined), p.catch((e) => this.problem(e, 'async'))]);
  }
}
