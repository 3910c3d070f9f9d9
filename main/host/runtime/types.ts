/** Configuration types of the runtime (a module of their own, so that others can import them without the runtime). */
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import type { ChipReaderPort, DocumentChecksPort, DocumentSource, FourEyesRule, KeyProvider, PolicyConfig, ScryptParams, SessionTimeouts } from '../../kiosk/index.js';
import type { RetentionPolicy } from '../../store/index.js';

export interface MemoryDevicesConfig {
  kind: 'memory';
}

/** Devices given ready-made: real serial devices or the simulators on ptys (main/host/devices), tests. */
export interface CustomDevicesConfig {
  kind: 'custom';
  documents: DocumentSource;
  chip: ChipReaderPort;
  /** Called by close(). */
  close?: () => Promise<void>;
}

export interface KioskRuntimeConfig {
  /** KIOSK_DATA_DIR: database at <dataDir>/kiosk.db, key at <dataDir>/keys/seal.key, trust store at <dataDir>/trust. */
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  kioskId?: string;
  /** Default: the policy stored by the last configuration change, else DEFAULT_POLICY. */
  policy?: PolicyConfig;
  storeImages?: boolean;
  timeouts?: Partial<SessionTimeouts>;
  retention?: RetentionPolicy;
  /** Run retention every this many ms (0 or absent: only when runRetention() is called). */
  retentionIntervalMs?: number;
  officer?: {
    maxFailedAttempts?: number;
    lockoutMs?: number;
    sessionTtlMs?: number;
    idleTtlMs?: number;
    fourEyes?: FourEyesRule[];
    scrypt?: ScryptParams;
  };
  /** Default { kind: 'memory' }: the in-process simulators. */
  devices?: MemoryDevicesConfig | CustomDevicesConfig;
  /** CSCA trust store for Passive Authentication. Default: <dataDir>/trust when present, else empty. */
  trustStore?: TrustStore;
  /** The document checks. Default: every required check reported not-run (the policy refers). */
  checks?: DocumentChecksPort;
  keyProvider?: KeyProvider;
  /** PRAGMA max_page_count (tests of a full disk). */
  maxPageCount?: number;
}

