/** Configuration types of the runtime (a separate module so that index, serial and config do not import each other). */
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { FramingMode } from '../../devices/mrz-reader/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import type { ChipReaderPort, DocumentChecksPort, DocumentSource, FourEyesRule, KeyProvider, PolicyConfig, ScryptParams, SessionTimeouts } from '../../kiosk/index.js';
import type { RetentionPolicy } from '../../store/index.js';

export interface MemoryDevicesConfig {
  kind: 'memory';
}

/** Real devices on serial ports (an MRZ scanner and a PN532), opened by the runtime. */
export interface SerialDevicesRuntimeConfig {
  kind: 'serial';
  mrz: { path: string; baudRate?: number; framing?: FramingMode; dedupWindowMs?: number };
  nfc: { path: string; baudRate?: number };
  chipWaitMs?: number;
}

/** Devices given ready-made (openSerialDevices, tests). */
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
  devices?: MemoryDevicesConfig | CustomDevicesConfig | SerialDevicesRuntimeConfig;
  /** CSCA trust store for Passive Authentication. Default: <dataDir>/trust when present, else empty. */
  trustStore?: TrustStore;
  /** The document checks. Default: every required check reported not-run (the policy refers). */
  checks?: DocumentChecksPort;
  keyProvider?: KeyProvider;
  /** PRAGMA max_page_count (tests of a full disk). */
  maxPageCount?: number;
}

