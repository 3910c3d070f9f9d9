/**
 * The kiosk's configuration file (KIOSK_CONFIG): JSON, validated with zod. Every key is optional;
 * unknown keys are rejected (a typo must not silently fall back to a default).
 *
 * ```jsonc
 * {
 *   "kioskId": "gate-3-kiosk-1",
 *   "devices": {                                    // absent or empty: the simulators
 *     "mrz": { "port": "/dev/ttyUSB0", "baudRate": 9600, "framing": "auto" },
 *     "nfc": { "port": "/dev/ttyUSB1", "baudRate": 115200, "ackTimeoutMs": 100 }
 *   },
 *   "simulation": {                                 // used only when no device is configured
 *     "scenario": "genuine",                        // genuine|expired|unknown-signer|tampered|wrong-mrz|rotate
 *     "placeDelayMs": 1500,                         // delay between "place passport" and the MRZ on the wire
 *     "baudRate": 115200                            // of the simulated pty lines
 *   },
 *   "policy": { ... },                              // the decision policy (main/kiosk parsePolicy)
 *   "timeouts": { "chipReading": { "ms": 60000, "warnBeforeMs": 15000 }, ... },
 *   "retention": { "personalDataHours": 24, "decisionDays": 30, "vacuum": "incremental" },
 *   "retentionIntervalMs": 3600000,
 *   "storeImages": false,
 *   "modelsDir": "/opt/kiosk/models",
 *   "accounts": { "maxFailedAttempts": 5, "lockoutMs": 900000, "sessionTtlMs": 28800000, "idleTtlMs": 900000,
 *                 "fourEyes": [{ "kinds": ["ADMIT"], "whenReasons": ["CHIP_PA_INVALID"] }] }
 * }
 * ```
 *
 * A path that is given but missing is an error (CONFIG_NOT_FOUND), never a silent switch to
 * the simulators; no path at all (KIOSK_CONFIG unset) gives the defaults.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { KioskRuntimeConfig } from './runtime/types.js';
import { UsageError, isKioskError } from '../base/errors.js';
import { parsePolicy, type PolicyConfig } from '../kiosk/index.js';

/** A configuration file that cannot be used. `details.field` names the bad field (dotted path). */
export class ConfigError extends UsageError {}

export const FRAMING_OPTIONS = ['auto', 'lines', 'stx-etx', 'fs-gs', 'rte'] as const;
export const SIMULATION_SCENARIOS = ['genuine', 'expired', 'unknown-signer', 'tampered', 'wrong-mrz', 'rotate'] as const;
export type SimulationScenario = (typeof SIMULATION_SCENARIOS)[number];

const baudRate = z.number().int().min(300).max(4_000_000);
const port = z.string().min(1, 'a serial port path is needed');
const ms = z.number().int().min(0).max(7 * 24 * 3600_000);
const timeoutSpec = z.strictObject({ ms: ms.min(1), warnBeforeMs: ms });

export const configSchema = z.strictObject({
  kioskId: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').optional(),
  devices: z
    .strictObject({
      mrz: z.strictObject({ port, baudRate: baudRate.optional(), framing: z.enum(FRAMING_OPTIONS).optional() }).optional(),
      nfc: z.strictObject({ port, baudRate: baudRate.optional(), ackTimeoutMs: z.number().int().min(15).max(5000).optional() }).optional(),
    })
    .optional(),
  simulation: z
    .strictObject({
      scenario: z.enum(SIMULATION_SCENARIOS).optional(),
      placeDelayMs: ms.optional(),
      baudRate: baudRate.optional(),
    })
    .optional(),
  policy: z.unknown().optional(),
  timeouts: z
    .strictObject({
      documentDetected: timeoutSpec.optional(),
      chipReading: timeoutSpec.optional(),
      checking: timeoutSpec.optional(),
      clear: timeoutSpec.optional(),
      referred: timeoutSpec.optional(),
      officerDecided: timeoutSpec.optional(),
    })
    .optional(),
  retention: z
    .strictObject({
      personalDataHours: z.number().min(0).max(24 * 365),
      decisionDays: z.number().min(0).max(3650),
      vacuum: z.enum(['incremental', 'full']),
    })
    .optional(),
  retentionIntervalMs: ms.optional(),
  storeImages: z.boolean().optional(),
  /** The models folder (relative: to the configuration file; default: KIOSK_MODELS_DIR, else the package's models/). */
  modelsDir: z.string().min(1).optional(),
  accounts: z
    .strictObject({
      maxFailedAttempts: z.number().int().min(1).max(100).optional(),
      lockoutMs: ms.optional(),
      sessionTtlMs: ms.min(1).optional(),
      idleTtlMs: ms.min(1).optional(),
      fourEyes: z
        .array(
          z.strictObject({
            kinds: z.array(z.enum(['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'])).min(1),
            whenReasons: z.array(z.string().min(1)).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

type RawConfig = z.infer<typeof configSchema>;

export interface MrzDeviceConfig {
  port: string;
  /** Default 9600. */
  baudRate: number;
  /** Default 'auto'. */
  framing: (typeof FRAMING_OPTIONS)[number];
}

export interface NfcDeviceConfig {
  port: string;
  /** Default 115200. */
  baudRate: number;
  /** The PN532's ACK wait before a resend (driver default 100 ms). */
  ackTimeoutMs?: number;
}

export interface SerialDevicesConfig {
  mrz?: MrzDeviceConfig;
  nfc?: NfcDeviceConfig;
}

export interface KioskConfig extends Omit<RawConfig, 'devices' | 'simulation' | 'policy'> {
  /** Real serial devices; undefined when none is configured (the kiosk runs on the simulators). */
  devices?: SerialDevicesConfig;
  simulation: { scenario: SimulationScenario; placeDelayMs: number; baudRate: number };
  /** The validated policy, when the file sets one (else the runtime's stored or default policy). */
  policy?: PolicyConfig;
  /** Where the configuration came from (undefined: defaults). */
  source?: string;
}

export const DEFAULT_MRZ_BAUD = 9600;
export const DEFAULT_NFC_BAUD = 115200;
export const DEFAULT_SIMULATION = { scenario: 'genuine', placeDelayMs: 1500, baudRate: 115200 } as const;

/** True when the kiosk should run on the simulators (no device configured). */
export function usesSimulation(cfg: KioskConfig): boolean {
  return !cfg.devices || (!cfg.devices.mrz && !cfg.devices.nfc);
}

/** Validates a parsed JSON value. Throws ConfigError('CONFIG_INVALID') naming the first bad field. */
export function parseConfig(value: unknown, source?: string): KioskConfig {
  const r = configSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    let field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) field = [...issue.path.map(String), issue.keys[0]!].join('.');
    const all = r.error.issues.map((i) => `${fieldOf(i)}: ${i.message}`);
    throw new ConfigError('CONFIG_INVALID', `invalid configuration${source ? ` in ${source}` : ''}: ${all.join('; ')}`, {
      field: field || '(root)',
      issues: r.error.issues.map((i) => ({ field: fieldOf(i), message: i.message })),
      ...(source ? { source } : {}),
    });
  }
  const raw = r.data;
  let policy: PolicyConfig | undefined;
  if (raw.policy !== undefined) {
    try {
      policy = parsePolicy(raw.policy);
    } catch (e) {
      throw new ConfigError('CONFIG_INVALID', `invalid configuration${source ? ` in ${source}` : ''}: policy: ${isKioskError(e) ? e.message : String(e)}`, {
        field: 'policy',
        ...(source ? { source } : {}),
      });
    }
  }
  const { devices: rawDevices, simulation: rawSim, policy: _p, ...rest } = raw;
  const devices: SerialDevicesConfig = {};
  if (rawDevices?.mrz) devices.mrz = { port: rawDevices.mrz.port, baudRate: rawDevices.mrz.baudRate ?? DEFAULT_MRZ_BAUD, framing: rawDevices.mrz.framing ?? 'auto' };
  if (rawDevices?.nfc) {
    devices.nfc = { port: rawDevices.nfc.port, baudRate: rawDevices.nfc.baudRate ?? DEFAULT_NFC_BAUD };
    if (rawDevices.nfc.ackTimeoutMs !== undefined) devices.nfc.ackTimeoutMs = rawDevices.nfc.ackTimeoutMs;
  }
  return {
    ...rest,
    ...(devices.mrz || devices.nfc ? { devices } : {}),
    simulation: { ...DEFAULT_SIMULATION, ...rawSim },
    ...(policy ? { policy } : {}),
    ...(source ? { source } : {}),
  };
}

function fieldOf(i: z.core.$ZodIssue): string {
  const base = i.path.map(String);
  if (i.code === 'unrecognized_keys') return [...base, i.keys.join(',')].join('.');
  return base.join('.') || '(root)';
}

/**
 * Loads KIOSK_CONFIG. `undefined` → the defaults (simulated devices). Throws ConfigError:
 * CONFIG_NOT_FOUND (path given, no file), CONFIG_UNREADABLE, CONFIG_NOT_JSON, CONFIG_INVALID
 * (`details.field` names the bad field).
 */
export async function loadConfig(path: string | undefined): Promise<KioskConfig> {
  if (path === undefined || path === '') return parseConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError('CONFIG_NOT_FOUND', `the configuration file ${path} does not exist (KIOSK_CONFIG)`, { source: path });
    throw new ConfigError('CONFIG_UNREADABLE', `the configuration file ${path} cannot be read (${code ?? 'error'})`, { source: path }, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('CONFIG_NOT_JSON', `the configuration file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { source: path, field: '(root)' });
  }
  const cfg = parseConfig(value, path);
  // A relative models folder is relative to the configuration file, not to wherever the kiosk was started.
  if (cfg.modelsDir && !isAbsolute(cfg.modelsDir)) cfg.modelsDir = resolve(dirname(path), cfg.modelsDir);
  return cfg;
}

/**
 * The runtime settings a configuration carries (policy, retention, timeouts, sign-in rules,
 * images, kiosk id), for createKioskRuntime. Devices are opened by the host (openSerialDevices or
 * the simulators), not here.
 */
export function runtimeSettings(cfg: KioskConfig): Pick<KioskRuntimeConfig, 'policy' | 'retention' | 'timeouts' | 'officer' | 'storeImages' | 'kioskId' | 'retentionIntervalMs'> {
  return {
    ...(cfg.policy ? { policy: cfg.policy } : {}),
    ...(cfg.retention ? { retention: cfg.retention } : {}),
    ...(cfg.timeouts ? { timeouts: cfg.timeouts } : {}),
    ...(cfg.accounts ? { officer: cfg.accounts } : {}),
    ...(cfg.storeImages !== undefined ? { storeImages: cfg.storeImages } : {}),
    ...(cfg.kioskId ? { kioskId: cfg.kioskId } : {}),
    ...(cfg.retentionIntervalMs !== undefined ? { retentionIntervalMs: cfg.retentionIntervalMs } : {}),
  };
}
