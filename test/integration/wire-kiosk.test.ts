/**
 * Whole traveller sessions through the kiosk core on the real wire: createKioskRuntime with the
 * devices of openSerialDevices, over socat ptys to the MRZ scanner and PN532 simulators (their
 * own process). The document checks are a stand-in that passes every required check, so the
 * decision turns on the MRZ and the chip: genuine → CLEAR; unknown signer, expired, tampered,
 * wrong MRZ → REFER with the matching reason; scanner unplugged → scannerFault, replugged → idle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/base/clock.js';
import { openSerialDevices, type SerialDevices } from '../../main/host/devices/serial.js';
import { simulatedPassport, simulatedTrustStore, startSimulatedDevices, type SimulatedDevices } from '../../main/host/devices/simulated.js';
import type { ConcreteScenario } from '../../main/host/devices/simulated.js';
import { createKioskRuntime, type KioskRuntime } from '../../main/host/runtime/index.js';
import type { DocumentChecksPort, KioskEvent } from '../../main/kiosk/index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kiosk-wire-'));
let sim: SimulatedDevices;
let dev: SerialDevices;
let rt: KioskRuntime;

/** Every required check passes: the outcome is the MRZ's and the chip's alone. */
function passingChecks(names: () => readonly string[]): DocumentChecksPort {
  return { run: async () => names().map((check) => ({ check, status: 'pass' as const, score: 1, threshold: 0.5, reasonCode: 'OK' })) };
}

beforeAll(async () => {
  sim = await startSimulatedDevices();
  dev = await openSerialDevices(sim.config, { trustStore: simulatedTrustStore(), clock: systemClock, cardWaitMs: 10_000, simulated: true });
  rt = await createKioskRuntime({
    dataDir: tmp,
    trustStore: simulatedTrustStore(),
    devices: { kind: 'custom', documents: dev.documents, chip: dev.chip, close: () => dev.close() },
    checks: passingChecks(() => rt.policy().requiredChecks),
  });
}, 60_000);

afterAll(async () => {
  await rt?.close().catch(() => undefined);
  await sim?.close().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

async function backToIdle(): Promise<void> {
  if (rt.core.snapshot().state === 'idle') return;
  rt.core.release();
  await rt.core.idle();
  if (rt.core.snapshot().state !== 'idle') await rt.core.waitFor((e) => e.type === 'state' && e.to === 'idle', 15_000);
}

async function session(scenario: ConcreteScenario): Promise<{ outcome: string; reasons: string[] }> {
  await backToIdle();
  await sim.liftPassport();
  const p = await simulatedPassport(scenario);
  const decided = rt.core.waitFor((e) => e.type === 'decision', 90_000);
  await sim.placePassport(p);
  const d = (await decided) as Extract<KioskEvent, { type: 'decision' }>;
  return { outcome: d.decision.outcome, reasons: d.decision.reasons.map((r) => r.code) };
}

describe('kiosk sessions over the real wire', () => {
  it('genuine → CLEAR', async () => {
    const r = await session('genuine');
    expect(r, JSON.stringify(r.reasons)).toMatchObject({ outcome: 'CLEAR' });
  }, 120_000);

  it.each([
    ['unknown-signer', 'CHIP_PA_UNVERIFIABLE'],
    ['expired', 'DOCUMENT_EXPIRED'],
    ['tampered', 'CHIP_PA_INVALID'],
    ['wrong-mrz', 'CHIP_ACCESS_DENIED'],
  ] as const)('%s → REFER with %s', async (scenario, reason) => {
    const r = await session(scenario);
    expect(r.outcome).toBe('REFER');
    expect(r.reasons).toContain(reason);
  }, 120_000);

  it('the scanner unplugged → the kiosk tells the traveller (scannerFault); plugged back → idle', async () => {
    await backToIdle();
    const fault = rt.core.waitFor((e) => e.type === 'state' && e.to === 'scannerFault', 15_000);
    await sim.unplugScanner();
    const f = (await fault) as Extract<KioskEvent, { type: 'state' }>;
    expect(f.snapshot.guidance).toBe('SCANNER_FAULT');
    const back = rt.core.waitFor((e) => e.type === 'state' && e.from === 'scannerFault' && e.to === 'idle', 15_000);
    await sim.replugScanner();
    await back;
  }, 60_000);
});
