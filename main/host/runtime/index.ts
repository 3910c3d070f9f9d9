/**
 * The composition root of the kiosk: wires the store, the core, the officer service and the
 * device adapters. Used by `kiosk demo` and by the web host. Simulated (in-memory) devices by
 * default; real serial devices or the simulators on ptys given as 'custom' devices (main/host/devices).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../../base/clock.js';
import { nullLogger } from '../../base/log.js';
import { MemoryTrustStore } from '../../emrtd/pki/index.js';
import { openTrustStore } from '../../emrtd/trust-store.js';
import {
  DEFAULT_POLICY,
  KioskCore,
  MemoryImageCache,
  OfficerError,
  OfficerService,
  notRunChecks,
  parsePolicy,
  reasonCatalogue,
  type ChipReaderPort,
  type DocumentChecksPort,
  type DocumentSource,
  type FourEyesRule,
  type PolicyConfig,
} from '../../kiosk/index.js';
import type { SimCard } from '../../sim/card.js';
import { DEFAULT_RETENTION, openKioskStore, type AuditVerifyResult, type RetentionPolicy, type RetentionReport, type SqliteKioskStore } from '../../store/index.js';
import type { CustomDevicesConfig, KioskRuntimeConfig, MemoryDevicesConfig } from './types.js';
import { MemoryDocumentSource, SimCardTransport, emrtdChipReader } from './adapters.js';

export { MemoryDocumentSource, SimCardTransport, emrtdChipReader } from './adapters.js';
export type { MemoryDevicesConfig, CustomDevicesConfig, KioskRuntimeConfig } from './types.js';

/** The in-process devices: put a document on the scanner, a chip on the reader. */
export interface MemoryDevices {
  documents: MemoryDocumentSource;
  /** Puts a chip in the reader's field (null: none). */
  placeChip(card: SimCard | null): void;
  /** The chip now in the field. */
  chip(): SimCard | null;
}

export interface KioskRuntime {
  readonly core: KioskCore;
  readonly officers: OfficerService;
  readonly store: SqliteKioskStore;
  readonly images: MemoryImageCache;
  readonly clock: Clock;
  readonly devices: { documents: DocumentSource; chip: ChipReaderPort; checks: DocumentChecksPort };
  /** Present when devices.kind is 'memory'. */
  readonly memory: MemoryDevices | null;
  readonly checksAvailable: boolean;
  readonly paths: { dataDir: string; db: string; keyFile: string };
  /** Reason and guidance texts in every UI language. */
  readonly reasons: ReturnType<typeof reasonCatalogue>;
  policy(): PolicyConfig;
  /** A supervisor or technician changes the policy; validated, audited, applied to the next sessions. */
  updatePolicy(token: string, policy: unknown): Promise<PolicyConfig>;
  /** A supervisor changes the four-eyes rules; audited. */
  updateFourEyes(token: string, rules: FourEyesRule[]): Promise<void>;
  runRetention(policy?: RetentionPolicy): Promise<RetentionReport>;
  verifyAudit(): Promise<AuditVerifyResult>;
  /** Stops the core, the devices and the retention timer, and closes the database. */
  close(): Promise<void>;
}

export async function createKioskRuntime(config: KioskRuntimeConfig): Promise<KioskRuntime> {
  const clock = config.clock ?? systemClock;
  const log = config.logger ?? nullLogger;
  const dataDir = path.resolve(config.dataDir);
  const store = await openKioskStore({
    dataDir,
    clock,
    logger: log,
    ...(config.keyProvider ? { keyProvider: config.keyProvider } : {}),
    ...(config.maxPageCount ? { maxPageCount: config.maxPageCount } : {}),
  });
  try {
    const stored = await store.getSetting<unknown>('policy');
    let policy = config.policy ?? (stored ? parsePolicy(stored) : DEFAULT_POLICY);
    const images = new MemoryImageCache(clock);
    const trustDir = path.join(dataDir, 'trust');
    const trustStore = config.trustStore ?? (existsSync(trustDir) ? openTrustStore(trustDir) : new MemoryTrustStore());

    let memory: MemoryDevices | null = null;
    let documents: DocumentSource;
    let chip: ChipReaderPort;
    const devices: MemoryDevicesConfig | CustomDevicesConfig = config.devices ?? { kind: 'memory' };
    if (devices.kind === 'memory') {
      const src = new MemoryDocumentSource();
      let card: SimCard | null = null;
      const transport = new SimCardTransport(() => card);
      memory = { documents: src, placeChip: (c) => void (card = c), chip: () => card };
      documents = src;
      chip = emrtdChipReader({ transport: () => (card ? transport : null), trustStore, clock, logger: log });
    } else {
      documents = devices.documents;
      chip = devices.chip;
    }
    const checks = config.checks ?? notRunChecks(policy.requiredChecks);
    const core = new KioskCore({
      clock,
      policy,
      documents,
      chip,
      checks: { run: (input, o) => checks.run(input, o) },
      store,
      images,
      logger: log,
      ...(config.kioskId ? { kioskId: config.kioskId } : {}),
      ...(config.timeouts ? { timeouts: config.timeouts } : {}),
      ...(config.storeImages !== undefined ? { storeImages: config.storeImages } : {}),
    });
    const storedFourEyes = await store.getSetting<FourEyesRule[]>('fourEyes');
    const officers = new OfficerService({
      store,
      clock,
      logger: log,
      images,
      ...config.officer,
      ...(storedFourEyes && !config.officer?.fourEyes ? { fourEyes: storedFourEyes } : {}),
      onDecision: (d) => core.notifyOfficerDecision(d),
    });
    core.start();

    let timer: ReturnType<typeof setInterval> | null = null;
    const retention = config.retention ?? DEFAULT_RETENTION;
    if (config.retentionIntervalMs && config.retentionIntervalMs > 0) {
      timer = setInterval(() => {
        store.runRetention(retention).catch((e) => log.error('retention failed', { error: e }));
      }, config.retentionIntervalMs);
      timer.unref();
    }

    return {
      core,
      officers,
      store,
      images,
      clock,
      devices: { documents, chip, checks },
      memory,
      checksAvailable: config.checks !== undefined,
      paths: { dataDir, db: store.path, keyFile: path.join(dataDir, 'keys', 'seal.key') },
      reasons: reasonCatalogue(),
      policy: () => core.policy,
      async updatePolicy(token, value) {
        const me = await officers.authenticate(token, ['supervisor', 'technician']);
        const p = parsePolicy(value);
        if (p.version === core.policy.version && JSON.stringify(p) !== JSON.stringify(core.policy)) {
          throw new OfficerError('BAD_REQUEST', 'a changed policy needs a new version');
        }
        await store.recordConfigChange('policy', p, me.accountId, clock.now());
        policy = p;
        core.setPolicy(p);
        return p;
      },
      async updateFourEyes(token, rules) {
        const me = await officers.authenticate(token, ['supervisor']);
        const kinds = ['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'];
        if (!Array.isArray(rules) || rules.some((r) => !Array.isArray(r.kinds) || r.kinds.some((k) => !kinds.includes(k)) || (r.whenReasons !== undefined && !Array.isArray(r.whenReasons)))) {
          throw new OfficerError('BAD_REQUEST', 'four-eyes rules: [{ kinds: [ADMIT|SECONDARY|REFUSE|RESCAN...], whenReasons?: [code...] }]');
        }
        await store.recordConfigChange('fourEyes', rules, me.accountId, clock.now());
        officers.setFourEyes(rules);
      },
      runRetention: (p) => store.runRetention(p ?? retention),
      verifyAudit: () => store.verifyAudit(),
      async close() {
        if (timer) clearInterval(timer);
        await core.stop();
        if (devices.kind === 'custom') await devices.close?.();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}
