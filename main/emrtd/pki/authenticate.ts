import { isKioskError } from '../../base/errors.js';
import { activeAuthenticate, type ActiveAuthResult } from '../aa.js';
import { chipAuthenticate, type ChipAuthResult } from '../ca.js';
import type { SecureChannel } from '../sm/channel.js';
import { passiveAuthenticate, type DataGroupName, type PassiveAuthResult } from './passive-auth.js';
import type { TrustStore } from './trust.js';

/**
 * Passive, Active and Chip Authentication of a chip that has been read, each with its own status
 * (the shape commercial readers report). Order: Active Authentication first (under the access
 * control session), then Chip Authentication (it replaces the session keys, and a chip that fails
 * it leaves the channel closed), then Passive Authentication (no chip needed).
 * A transport error during AA or CA (passport lifted) gives that protocol status `not-performed`
 * with the reason: it is no evidence either way, and anything but `valid` refers to an officer.
 */
export type AaStatus = ActiveAuthResult['status'] | 'not-performed';
export type CaStatus = ChipAuthResult['status'] | 'not-performed';

export interface ChipAuthenticationReport {
  passiveAuthentication: PassiveAuthResult;
  activeAuthentication: Omit<ActiveAuthResult, 'status'> & { status: AaStatus };
  chipAuthentication: Omit<ChipAuthResult, 'status'> & { status: CaStatus };
  timings: { passiveMs: number; activeMs: number; chipMs: number };
}

export interface AuthenticateChipInput {
  /** Files as read: 'SOD', 'DG1'..'DG16' (others ignored). */
  files: Partial<Record<string, Uint8Array>>;
  /** The live secure channel (a getter when it may be replaced); absent: AA and CA are not performed. */
  channel?: SecureChannel | (() => SecureChannel);
  trustStore: TrustStore;
  now?: Date;
  /** Skip AA / CA even when the chip supports them. */
  skipActive?: boolean;
  skipChip?: boolean;
}

export async function authenticateChip(input: AuthenticateChipInput): Promise<ChipAuthenticationReport> {
  const getChannel = typeof input.channel === 'function' ? input.channel : (): SecureChannel | undefined => input.channel as SecureChannel | undefined;
  const dg14 = input.files.DG14;
  const dg15 = input.files.DG15;

  let t = performance.now();
  let aa: ChipAuthenticationReport['activeAuthentication'];
  const channel = getChannel();
  if (!dg15) aa = await activeAuthenticate({ transmit: () => Promise.reject(new Error('unused')) }, undefined);
  else if (!channel || input.skipActive) aa = { status: 'not-performed', algorithm: null, reasons: [{ code: 'AA_NOT_PERFORMED', message: 'Active Authentication was not run' }] };
  else {
    try {
      aa = await activeAuthenticate(channel, dg15, { ...(dg14 ? { dg14 } : {}) });
    } catch (e) {
      aa = { status: 'not-performed', algorithm: null, reasons: [{ code: 'AA_INTERRUPTED', message: `Active Authentication interrupted (${isKioskError(e) ? e.code : 'error'})` }] };
    }
  }
  const activeMs = performance.now() - t;

  t = performance.now();
  let ca: ChipAuthenticationReport['chipAuthentication'];
  const channel2 = getChannel();
  if (!dg14) ca = await chipAuthenticate(undefined as unknown as SecureChannel, undefined);
  else if (!channel2 || input.skipChip) {
    ca = { status: 'not-performed', protocol: null, agreement: null, cipher: null, keyId: null, reasons: [{ code: 'CA_NOT_PERFORMED', message: 'Chip Authentication was not run' }] };
  } else {
    try {
      ca = await chipAuthenticate(channel2, dg14);
    } catch (e) {
      ca = {
        status: 'not-performed',
        protocol: null,
        agreement: null,
        cipher: null,
        keyId: null,
        reasons: [{ code: 'CA_INTERRUPTED', message: `Chip Authentication interrupted (${isKioskError(e) ? e.code : 'error'})` }],
      };
    }
  }
  const chipMs = performance.now() - t;

  t = performance.now();
  const dataGroups: Partial<Record<DataGroupName, Uint8Array>> = {};
  for (const [name, bytes] of Object.entries(input.files)) if (/^DG\d{1,2}$/.test(name) && bytes) dataGroups[name as DataGroupName] = bytes;
  const pa = await passiveAuthenticate({ sod: input.files.SOD, dataGroups, trustStore: input.trustStore, ...(input.now ? { now: input.now } : {}) });
  const passiveMs = performance.now() - t;
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return { passiveAuthentication: pa, activeAuthentication: aa, chipAuthentication: ca, timings: { passiveMs: r1(passiveMs), activeMs: r1(activeMs), chipMs: r1(chipMs) } };
}
