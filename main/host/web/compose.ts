/**
 * The backend behind the contract, shared by the browser host and the Electron shell: the kiosk
 * runtime (core, officer service, store), the devices (real serial devices when configured, the
 * simulators on ptys otherwise), the traveller front, and the technician's views.
 */
import { statfs, stat } from 'node:fs/promises';
import path from 'node:path';
import { KioskError, UsageError } from '../../base/errors.js';
import type { Logger } from '../../base/log.js';
import {
  makeEvent,
  type CaseView as ContractCaseView,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  type DeviceStatus,
  type EventMessage,
  type OfficerDecision,
} from '../../contract/index.js';
import { OVERRIDE_REASONS, reasonText, type CaseView, type OfficerDecisionKind } from '../../kiosk/index.js';
import { openTrustStore } from '../../emrtd/trust-store.js';
import { createKioskRuntime, type KioskRuntime } from '../runtime/index.js';
import { parseConfig, runtimeSettings } from '../config.js';
import type { ClientInfo, KioskBackend } from '../bridge/backend.js';
import { GatedDocumentSource, TravellerFront, type FrontTimeouts } from './traveller-front.js';
import { createHostDevices, type HostDevices, type HostConfig } from './host-devices.js';
import { printedPhotoDataUrl, toDataUrl } from './images.js';

export interface BackendOptions {
  log: Logger;
  logLines?: (limit: number) => string[];
  dataDir?: string;
  config?: HostConfig;
  frontTimeouts?: Partial<FrontTimeouts>;
}

/** Which override reason codes fit which officer decisions. */
const REASON_DECISIONS: Record<string, OfficerDecision[]> = {
  OVR_IDENTITY_VERIFIED: ['ADMIT'],
  OVR_DOCUMENT_VERIFIED: ['ADMIT'],
  OVR_TECHNICAL_FAULT: ['ADMIT', 'SECONDARY', 'RESCAN'],
  OVR_FURTHER_EXAMINATION: ['SECONDARY'],
  OVR_DOCUMENT_NOT_VALID: ['SECONDARY', 'REFUSE'],
  OVR_ENTRY_CONDITIONS_NOT_MET: ['SECONDARY', 'REFUSE'],
  OVR_RESCAN: ['RESCAN'],
  OVR_OTHER: ['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'],
};

const iso = (ms: number): string => new Date(ms).toISOString();

export async function createBackendForHost(opts: BackendOptions): Promise<{ backend: KioskBackend; runtime: KioskRuntime; devices: HostDevices; close(): Promise<void> }> {
  const log = opts.log;
  const dataDir = path.resolve(opts.dataDir ?? process.env.KIOSK_DATA_DIR ?? '.kiosk-data');
  const config: HostConfig = opts.config ?? parseConfig({});
  const devices = await createHostDevices(config, { log, dataDir });
  let front: TravellerFront | null = null;
  const gate = new GatedDocumentSource(devices.documents, () => front?.documentWaiting());

  const runtime = await createKioskRuntime({
    dataDir,
    logger: log,
    devices: { kind: 'custom', documents: gate, chip: devices.chip },
    trustStore: devices.trustStore,
    ...runtimeSettings(config),
    ...(devices.checks ? { checks: devices.checks } : {}),
    retentionIntervalMs: config.retentionIntervalMs ?? 15 * 60_000,
  });
  await devices.bootstrapAccounts(runtime);

  front = new TravellerFront({
    core: runtime.core,
    gate,
    clock: runtime.clock,
    ...(opts.frontTimeouts ? { timeouts: opts.frontTimeouts } : {}),
    onReadyForDocument: () => devices.travellerReady(),
  });
  const tf = front;

  const listeners = new Set<(e: EventMessage) => void>();
  const emit = (e: EventMessage): void => {
    for (const l of [...listeners]) l(e);
  };
  tf.subscribe((v) => emit(makeEvent('traveller.view', v)));
  runtime.core.subscribe((e) => {
    if (e.type === 'referral-created' || e.type === 'officer-decision' || e.type === 'decision') {
      void runtime.store.listReferrals({ status: ['open', 'awaiting-confirmation'] }).then(
        (r) => emit(makeEvent('officer.queueChanged', { open: r.length })),
        () => undefined,
      );
    }
  });
  devices.onStatus((list) => emit(makeEvent('devices.status', { devices: list })));

  const officers = runtime.officers;
  const staff = (token: string) => officers.authenticate(token, ['technician', 'supervisor']);

  const username = async (accountId: string | null): Promise<string> => {
    if (!accountId) return '';
    return (await runtime.store.getAccount(accountId))?.username ?? accountId;
  };

  const caseView = async (token: string, caseId: string): Promise<ContractCaseView> => {
    const c: CaseView = await officers.getCase(token, caseId);
    const fields = c.mrz?.result?.fields ?? null;
    const chip = c.chip;
    const pending = c.overrides.find((o) => o.status === 'pending') ?? null;
    const audit = await runtime.store.auditTrail({
      subjects: [caseId, c.referral.sessionId, c.referral.decisionId, ...c.overrides.map((o) => o.overrideId)],
      referralId: caseId,
      limit: 200,
    }).catch(() => []);
    return {
      caseId,
      status: c.referral.status,
      createdAt: iso(c.referral.createdAt),
      decision: c.decision.outcome,
      policyVersion: c.decision.policyVersion,
      reasons: c.decision.reasons.map((r) => ({
        code: r.code,
        text: `${reasonText(r.code, 'en') ?? r.code}${r.check || r.detail ? ` (${[r.check, r.detail].filter(Boolean).join(': ')})` : ''}`,
      })),
      mrz: fields ? Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === 'string')) as Record<string, string> : null,
      chip: chip
        ? {
            accessControl: chip.accessControl ? { status: chip.accessControl.status, detail: { protocol: chip.accessControl.protocol } } : chip.error ? { status: 'failed', detail: { code: chip.error.code } } : null,
            passiveAuthentication: chip.passiveAuthentication
              ? {
                  status: chip.passiveAuthentication.status,
                  detail: {
                    signatureValid: chip.passiveAuthentication.signatureValid,
                    dataGroupHashes: chip.passiveAuthentication.dataGroupHashes,
                    documentSigner: chip.passiveAuthentication.documentSigner,
                    reasons: chip.passiveAuthentication.reasons,
                  },
                }
              : null,
            activeAuthentication: chip.activeAuthentication ? { status: String(chip.activeAuthentication.status) } : null,
            chipAuthentication: chip.chipAuthentication ? { status: String(chip.chipAuthentication.status) } : null,
            dg1: chip.dg1 ? (Object.fromEntries(Object.entries(chip.dg1.fields).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : null,
          }
        : null,
      evidence: c.evidence.map((e) => ({
        check: e.check,
        status: e.status,
        reasonCode: e.reasonCode,
        ...(e.score !== undefined ? { score: e.score } : {}),
        ...(e.threshold !== undefined ? { threshold: e.threshold } : {}),
        ...(e.modelVersion !== undefined ? { modelVersion: e.modelVersion } : {}),
      })),
      chipPhoto: c.images.chipFace ? await toDataUrl(c.images.chipFace) : null,
      printedPhoto: c.images.page ? await printedPhotoDataUrl(c.images.page, faceRegionOf(c.evidence)) : null,
      officerDecisions: await Promise.all(
        c.overrides
          .filter((o) => o.status === 'final')
          .map(async (o) => ({
            decision: o.kind,
            reasonCode: o.reasonCode,
            text: o.note ?? '',
            officer: await username(o.officerId),
            at: iso(o.createdAt),
            confirmedBy: o.confirmedBy ? await username(o.confirmedBy) : null,
          })),
      ),
      pendingConfirmation: pending ? { decision: pending.kind, by: await username(pending.officerId) } : null,
      audit: await Promise.all(audit.map(async (a) => ({ seq: a.seq, at: iso(a.at), kind: a.type, actor: a.actor ? await username(a.actor) : null, summary: a.summary }))),
    };
  };

  const techStatus = async (selfTest: boolean): Promise<DeviceStatus[]> => {
    const list = selfTest ? await devices.selfTest() : devices.status();
    const audit = await runtime.verifyAudit().catch(() => null);
    list.push({
      name: 'Storage',
      kind: 'storage',
      status: audit?.ok ? 'ok' : 'error',
      detail: audit ? (audit.ok ? `database ${runtime.paths.db}, audit chain intact (${audit.entries} entries)` : `audit chain broken at entry ${audit.firstBroken?.seq ?? '?'}`) : 'database unavailable',
    });
    list.push(...(await devices.extraStatus()));
    return list;
  };

  type Handler<N extends CommandName> = (p: CommandRequest<N>, client: ClientInfo) => Promise<CommandResponse<N>> | CommandResponse<N>;
  const handlers: { [N in CommandName]: Handler<N> } = {
    'traveller.view': () => tf.view(),
    'traveller.setLanguage': (p) => tf.setLanguage(p.language),
    'traveller.start': () => tf.start(),
    'traveller.acceptNotice': () => tf.acceptNotice(),
    'traveller.cancel': () => tf.cancel(),
    'traveller.askOfficer': () => tf.askOfficer(),
    'traveller.requestReview': () => tf.requestReview(),
    'traveller.extendTime': () => tf.extendTime(),

    'officer.signIn': async (p) => {
      const r = await officers.signIn(p.username, p.password);
      return { token: r.token, username: r.account.username, role: r.account.role, expiresAt: iso(r.expiresAt) };
    },
    'officer.signOut': async (p) => {
      await officers.signOut(p.token);
      return { ok: true as const };
    },
    'officer.queue': async (p) => {
      const items = await officers.listReferrals(p.token);
      return {
        items: items.map((r) => ({
          caseId: r.referralId,
          createdAt: iso(r.createdAt),
          decision: 'REFER' as const,
          reasons: r.reasons.map((x) => ({ code: x.code, text: reasonText(x.code, 'en') ?? x.code })),
          status: r.status,
        })),
      };
    },
    'officer.case': (p) => caseView(p.token, p.caseId),
    'officer.decide': async (p) => {
      const r = await officers.decide(p.token, p.caseId, { kind: p.decision as OfficerDecisionKind, reasonCode: p.reasonCode, note: p.text });
      return { status: r.status === 'final' ? ('recorded' as const) : ('awaiting-confirmation' as const), case: await caseView(p.token, p.caseId) };
    },
    'officer.confirm': async (p) => {
      const c = await officers.getCase(p.token, p.caseId);
      const pending = c.overrides.find((o) => o.status === 'pending');
      if (!pending) throw new UsageError('NOTHING_TO_CONFIRM', 'this case has no decision waiting for confirmation');
      const r = await officers.confirm(p.token, pending.overrideId, { approve: p.approve, note: p.text || (p.approve ? 'confirmed' : 'rejected') });
      return { status: r.status === 'final' ? ('recorded' as const) : ('rejected' as const), case: await caseView(p.token, p.caseId) };
    },
    'officer.reasonCodes': async (p) => {
      await officers.authenticate(p.token, ['officer', 'supervisor']);
      return {
        codes: Object.keys(OVERRIDE_REASONS).map((code) => ({ code, text: reasonText(code, 'en') ?? code, decisions: REASON_DECISIONS[code] ?? ['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'] })),
      };
    },
    'officer.stats': async (p) => {
      const rows = await officers.stats(p.token, { minCount: 1 });
      return { rows: rows.filter((r) => r.count !== null).map((r) => ({ group: r.dimension, value: r.value, outcome: r.metric, count: r.count ?? 0 })) };
    },

    'tech.status': async (p) => {
      await staff(p.token);
      return { devices: await techStatus(false) };
    },
    'tech.selfTest': async (p) => {
      await staff(p.token);
      return { devices: await techStatus(true) };
    },
    'tech.models': async (p) => {
      await staff(p.token);
      return { models: await devices.models() };
    },
    'tech.trustList': async (p) => {
      await staff(p.token);
      const ts = openTrustStore(path.join(dataDir, 'trust'));
      const l = ts.list();
      return {
        entries: [
          ...l.certificates.map((c) => ({ kind: c.kind, subject: c.subject, notAfter: c.notAfter, status: new Date(c.notAfter) < new Date() ? 'expired' : 'valid', ...countryOf(c.subject) })),
          ...l.crls.map((c) => ({ kind: 'crl', subject: c.issuer, notAfter: c.nextUpdate ?? '', status: c.stale ? 'stale' : 'current', ...countryOf(c.issuer) })),
          ...l.masterLists.map((m) => ({ kind: 'master-list', subject: m.signer, status: `${m.certificates} certificates` })),
        ],
        alerts: l.alerts.map((a) => a.message),
      };
    },
    'tech.trustImport': async (p) => {
      const me = await staff(p.token);
      const ts = openTrustStore(path.join(dataDir, 'trust'));
      const bytes = Uint8Array.from(Buffer.from(p.base64, 'base64'));
      const o = ts.importBytes(bytes, path.basename(p.fileName));
      await runtime.store.appendAudit({ type: 'trust-import', actor: me.accountId, data: { file: path.basename(p.fileName), kind: o.kind, added: o.added, ok: o.ok } }, runtime.clock.now());
      return { imported: o.added, messages: [o.ok ? `${o.kind}: ${o.added} added, ${o.duplicates} already present, ${o.rejected} rejected` : `not imported: ${o.error?.message ?? 'unknown error'}`] };
    },
    'tech.storage': async (p) => {
      await staff(p.token);
      const db = await stat(runtime.paths.db).then((s) => s.size, () => 0);
      const free = await statfs(dataDir).then((s) => Number(s.bavail) * Number(s.bsize), () => null);
      const audit = await runtime.verifyAudit().catch(() => null);
      const referrals = await runtime.store.listReferrals({}).catch(() => []);
      return {
        databaseBytes: db,
        freeBytes: free,
        retention: { ...(config.retention ?? { personalDataHours: 24, decisionDays: 30 }), storeImages: config.storeImages ?? false },
        counts: { referrals: referrals.length, open: referrals.filter((r) => r.status !== 'closed').length },
        auditChain: { ok: audit?.ok ?? false, entries: audit?.entries ?? 0, firstBroken: audit?.firstBroken?.seq ?? null },
      };
    },
    'tech.runRetention': async (p) => {
      await staff(p.token);
      const r = await runtime.runRetention();
      const purged: Record<string, number> = {};
      for (const [k, v] of Object.entries(r)) if (typeof v === 'number') purged[k] = v;
      return { purged };
    },
    'tech.logs': async (p) => {
      await staff(p.token);
      return { lines: opts.logLines ? opts.logLines(p.limit ?? 200) : [] };
    },
  };

  const backend: KioskBackend = {
    async handle(name, payload, client) {
      const h = handlers[name] as Handler<typeof name>;
      if (!h) throw new KioskError('UNKNOWN_COMMAND', `unknown command ${name}`);
      return h(payload, client);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };

  return {
    backend,
    runtime,
    devices,
    async close() {
      tf.close();
      await runtime.close();
      await devices.close();
    },
  };
}

/** The face region the face-present check recorded on the data page, if any. */
function faceRegionOf(evidence: CaseView['evidence']): { x: number; y: number; w: number; h: number } | undefined {
  const regions = evidence.find((e) => e.check === 'face-present')?.regions ?? [];
  for (const r of regions) {
    const o = r as { kind?: unknown; x?: unknown; y?: unknown; w?: unknown; h?: unknown };
    if (o.kind === 'face' && typeof o.x === 'number' && typeof o.y === 'number' && typeof o.w === 'number' && typeof o.h === 'number') return { x: o.x, y: o.y, w: o.w, h: o.h };
  }
  return undefined;
}

function countryOf(dn: string): { country?: string } {
  const m = /(?:^|,\s*)C=([A-Z]{2,3})/.exec(dn);
  return m ? { country: m[1]! } : {};
}

