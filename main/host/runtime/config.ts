/**
 * KIOSK_CONFIG: the JSON file that configures the runtime (policy, retention, timeouts, officer
 * rules, devices). Validated with zod; an invalid file is a UsageError naming the bad field.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../../base/errors.js';
import { policySchema } from '../../kiosk/index.js';
import type { KioskRuntimeConfig } from './types.js';

const timeout = z.object({ ms: z.number().int().positive(), warnBeforeMs: z.number().int().min(0) });
const kinds = z.enum(['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN']);

export const kioskConfigSchema = z
  .object({
    kioskId: z.string().min(1).max(64),
    policy: policySchema,
    storeImages: z.boolean(),
    retention: z.object({ personalDataHours: z.number().min(0), decisionDays: z.number().min(0), vacuum: z.enum(['incremental', 'full']) }),
    retentionIntervalMs: z.number().int().min(0),
    timeouts: z.object({ documentDetected: timeout, chipReading: timeout, checking: timeout, clear: timeout, referred: timeout, officerDecided: timeout }).partial(),
    officer: z
      .object({
        maxFailedAttempts: z.number().int().min(1),
        lockoutMs: z.number().int().min(0),
        sessionTtlMs: z.number().int().positive(),
        idleTtlMs: z.number().int().positive(),
        fourEyes: z.array(z.object({ kinds: z.array(kinds).min(1), whenReasons: z.array(z.string()).optional() })),
      })
      .partial(),
    devices: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('memory') }),
      z.object({
        kind: z.literal('serial'),
        mrz: z.object({ path: z.string().min(1), baudRate: z.number().int().positive().optional(), framing: z.enum(['auto', 'lines', 'stx-etx', 'fs-gs', 'rte']).optional() }),
        nfc: z.object({ path: z.string().min(1), baudRate: z.number().int().positive().optional() }),
        chipWaitMs: z.number().int().positive().optional(),
      }),
    ]),
  })
  .partial();

export type KioskConfigFile = z.infer<typeof kioskConfigSchema>;

export function parseKioskConfig(value: unknown): KioskConfigFile {
  const r = kioskConfigSchema.safeParse(value);
  if (!r.success) throw new UsageError('CONFIG_INVALID', `invalid KIOSK_CONFIG: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Reads KIOSK_CONFIG (when given) into a runtime configuration for `dataDir`. */
export async function runtimeConfigFromFile(configPath: string | undefined, dataDir: string): Promise<KioskRuntimeConfig> {
  if (!configPath) return { dataDir };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (e) {
    throw new UsageError('CONFIG_UNREADABLE', `cannot read KIOSK_CONFIG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const c = parseKioskConfig(raw);
  const out: KioskRuntimeConfig = { dataDir };
  if (c.kioskId) out.kioskId = c.kioskId;
  if (c.policy) out.policy = c.policy;
  if (c.storeImages !== undefined) out.storeImages = c.storeImages;
  if (c.retention) out.retention = c.retention;
  if (c.retentionIntervalMs !== undefined) out.retentionIntervalMs = c.retentionIntervalMs;
  if (c.timeouts) out.timeouts = c.timeouts;
  if (c.officer) out.officer = c.officer as NonNullable<KioskRuntimeConfig['officer']>;
  if (c.devices) out.devices = c.devices as NonNullable<KioskRuntimeConfig['devices']>;
  return out;
}
