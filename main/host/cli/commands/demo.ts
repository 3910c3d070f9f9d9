import { UsageError } from '../../../base/errors.js';
import { DEFAULT_POLICY, type PolicyConfig } from '../../../kiosk/index.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../base/clock.js';
import { createDocumentChecker, type DocumentChecker } from '../../../checks/index.js';
import { checksPort } from '../../web/checks-port.js';
import { createKioskRuntime } from '../../runtime/index.js';
import { demoTrustStore, runDemo, type DemoDevices } from '../../runtime/demo.js';
import { loadConfig, runtimeSettings } from '../../config.js';
import { openSerialDevices, type SerialDevices } from '../../devices/serial.js';
import { startSimulatedDevices, type SimulatedDevices } from '../../devices/simulated.js';
import type { SimCard } from '../../../sim/card.js';
import { optFlag, optNumber, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const USAGE = 'usage: kiosk demo --sessions N [--seed S] [--wire memory|pty] [--checks on|off] [--models DIR] [--required-checks LIST|none] [--no-officers]';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * `kiosk demo --sessions N [--seed S]`: N whole traveller sessions through the real core against
 * the simulators (generated passports in a virtual chip, MRZs from main/mrz), stored in
 * KIOSK_DATA_DIR like the kiosk does; prints a JSON summary (outcomes, reasons, officer
 * decisions, timings, audit chain). KIOSK_CONFIG is honoured (policy, retention, timeouts, officer
 * rules; its devices are replaced by the simulators). The policy is KIOSK_CONFIG's (or the default);
 * --required-checks replaces its required document checks (e.g. "none" while the checks module
 * is absent: otherwise every session is referred with CHECK_NOT_RUN, as it must be).
 * --checks on (default): main/checks runs on a rendered data page (memory wire; the pty wire has no
 * camera, so its checks report not-run); off: every check reports not-run.
 * --wire memory (default): the virtual chip behind an in-process APDU transport, MRZ lines handed
 * straight to the core. --wire pty: the real wire path, the MRZ scanner simulator and the PN532
 * simulator on socat pty pairs, driven through the serial drivers.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, {
    sessions: { type: 'string', integer: true },
    seed: { type: 'string', integer: true },
    wire: { type: 'string' },
    'required-checks': { type: 'string' },
    'no-officers': { type: 'boolean' },
    checks: { type: 'string' },
    models: { type: 'string' },
  });
  const sessions = optNumber(a, 'sessions');
  if (sessions === undefined || sessions < 1 || sessions > 100_000) throw new UsageError('USAGE', `--sessions N (1..100000) is required\n${USAGE}`);
  const wire = optString(a, 'wire') ?? 'memory';
  if (wire !== 'memory' && wire !== 'pty') throw new UsageError('USAGE', `--wire must be memory or pty\n${USAGE}`);
  const fileConfig = await loadConfig(ctx.configPath);
  const settings = runtimeSettings(fileConfig);
  let policy: PolicyConfig = settings.policy ?? DEFAULT_POLICY;
  const rc = optString(a, 'required-checks');
  if (rc !== undefined) {
    const list = rc === 'none' ? [] : rc.split(',').map((s) => s.trim()).filter(Boolean);
    policy = { ...policy, version: `${policy.version}+demo-checks(${list.join(',') || 'none'})`, requiredChecks: list };
  }
  const checksMode = optString(a, 'checks') ?? 'on';
  if (checksMode !== 'on' && checksMode !== 'off') throw new UsageError('USAGE', `--checks must be on or off\n${USAGE}`);
  let checker: DocumentChecker | null = null;
  if (checksMode === 'on') {
    const modelsDir = path.resolve(optString(a, 'models') ?? ctx.env.KIOSK_MODELS_DIR ?? path.join(REPO_ROOT, 'models'));
    try {
      checker = await createDocumentChecker({ modelsDir, threads: 1, log: ctx.log.child('checks') });
    } catch (e) {
      ctx.log.warn('document checks unavailable: every check reports not-run', { error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  const trustStore = demoTrustStore();
  // --wire pty: the MRZ scanner and PN532 simulators on socat pty pairs, read by the same serial
  // drivers as real devices (main/host/devices).
  let sims: SimulatedDevices | null = null;
  let wired: SerialDevices | null = null;
  let devices: DemoDevices | undefined;
  if (wire === 'pty') {
    sims = await startSimulatedDevices({ log: ctx.log, mode: 'in-process' });
    wired = await openSerialDevices(sims.config, { trustStore, clock: systemClock, log: ctx.log, simulated: true, dedupWindowMs: 0 });
    const s = sims;
    let card: SimCard | null = null;
    devices = {
      placeChip: (c) => void (card = c),
      present: (lines) => s.placePassport({ mrz: lines, card }),
    };
  }
  try {
    const rt = await createKioskRuntime({
      dataDir: ctx.dataDir,
      ...settings,
      policy,
      logger: ctx.log,
      trustStore,
      kioskId: 'demo',
      ...(checker ? { checks: checksPort(checker, ctx.log) } : {}),
      devices: wired ? { kind: 'custom', documents: wired.documents, chip: wired.chip, close: () => wired!.close() } : { kind: 'memory' },
    });
    try {
      const summary = await runDemo(rt, {
        sessions,
        seed: optNumber(a, 'seed') ?? 1,
        officers: !optFlag(a, 'no-officers'),
        logger: ctx.log,
        pageImages: checker !== null && !sims,
        ...(devices ? { devices } : {}),
      });
      printJson(ctx, { ...summary, wire, dataDir: rt.paths.dataDir, db: rt.paths.db });
      return summary.audit.ok ? EXIT.OK : EXIT.INVALID_DOCUMENT;
    } finally {
      await rt.close();
    }
  } finally {
    await sims?.close();
    await checker?.close();
  }
}
