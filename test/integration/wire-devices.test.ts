/**
 * The kiosk's serial devices on the real wire: startSimulatedDevices (MRZ scanner and PN532
 * simulators on socat ptys) + openSerialDevices (the product's drivers on the other ends).
 * A passport placed → the DocumentSource emits the document; the ChipReaderPort reads the chip
 * through the PN532 with Passive Authentication against the returned trust store. Scanner
 * unplugged → fault; plugged back → recovered.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/base/clock.js';
import { KioskError } from '../../main/base/errors.js';
import { openSerialDevices, type SerialDevices } from '../../main/host/devices/serial.js';
import { simulatedPassport, startSimulatedDevices, type SimulatedDevices, type SimulatedPassport } from '../../main/host/devices/simulated.js';
import type { DocumentSourceEvent } from '../../main/kiosk/index.js';
import { parseMrz } from '../../main/mrz/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

let genuine: SimulatedPassport;
beforeAll(async () => {
  genuine = await simulatedPassport('genuine');
}, 60_000);

async function wire(p: SimulatedPassport = genuine): Promise<{ sim: SimulatedDevices; dev: SerialDevices; events: DocumentSourceEvent[] }> {
  const sim = await startSimulatedDevices();
  cleanups.push(() => sim.close());
  const dev = await openSerialDevices(sim.config, { trustStore: p.trustStore, clock: systemClock, reconnectIntervalMs: 100, cardWaitMs: 5000 });
  cleanups.push(() => dev.close());
  const events: DocumentSourceEvent[] = [];
  dev.documents.subscribe((e) => events.push(e));
  return { sim, dev, events };
}

async function until<T>(f: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The access key from the printed MRZ, as the kiosk makes it. */
function keyOf(p: SimulatedPassport) {
  const f = parseMrz(p.mrz).fields;
  return { documentNumber: f.documentNumber!, birthDate: f.birthDate!, expiryDate: f.expiryDate!, mrzLines: p.mrz };
}

describe('simulated devices on ptys, driven by openSerialDevices', () => {
  it('a genuine passport: the document event, then a chip read with PACE and Passive Authentication valid', async () => {
    const { sim, dev, events } = await wire();
    expect(dev.status().map((s) => [s.kind, s.status])).toEqual([
      ['mrz-scanner', 'ok'],
      ['nfc-reader', 'ok'],
    ]);
    await sim.placePassport(genuine);
    const doc = await until(() => events.find((e) => e.type === 'document'), 10_000, 'the document event');
    expect(events[0]).toEqual({ type: 'document-present' });
    if (doc.type !== 'document') throw new Error('unreachable');
    expect(doc.document.lines).toEqual(genuine.mrz);
    expect(doc.document.mrz.valid).toBe(true);
    const f = doc.document.mrz.fields;
    const progress: string[] = [];
    const r = await dev.chip.read(
      { documentNumber: f.documentNumber!, birthDate: f.birthDate!, expiryDate: f.expiryDate!, mrzLines: doc.document.lines },
      { onProgress: (p) => progress.push(p.file) },
    );
    expect(r.accessControl.protocol, `PN532 link: ${JSON.stringify(dev.stats().nfc)}`).toBe('PACE');
    expect(r.accessControl.status).toBe('success');
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(r.passiveAuthentication.signatureValid).toBe(true);
    expect(r.passiveAuthentication.dataGroupHashes).toMatchObject({ DG1: true, DG2: true });
    expect(r.dg1?.fields.documentNumber).toBe(f.documentNumber);
    expect(r.faceImage?.bytes).toEqual(genuine.passport.face.bytes);
    expect(progress).toContain('DG2');
  }, 60_000);

  it("'unknown-signer': Passive Authentication says unknown-signer (a card object made from a spec crosses to the simulator process)", async () => {
    const p = await simulatedPassport('unknown-signer');
    const { sim, dev } = await wire(p);
    await sim.placePassport({ mrz: p.mrz, card: p.card });
    const r = await dev.chip.read(keyOf(p), {});
    expect(r.passiveAuthentication.status).toBe('unknown-signer');
    expect(p.expected.passiveAuthentication).toBe('unknown-signer');
  }, 60_000);

  it("'tampered': DG1 hash mismatch makes Passive Authentication invalid", async () => {
    const p = await simulatedPassport('tampered');
    const { sim, dev } = await wire(p);
    await sim.placePassport(p);
    const r = await dev.chip.read(keyOf(p), {});
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(r.passiveAuthentication.dataGroupHashes?.DG1).toBe(false);
    expect(r.dg1?.fields.surname).toBe('MALLORY');
  }, 60_000);

  it("'wrong-mrz': the chip refuses the printed MRZ's key (ACCESS_DENIED)", async () => {
    const p = await simulatedPassport('wrong-mrz');
    const { sim, dev } = await wire(p);
    await sim.placePassport(p);
    const err = await dev.chip.read(keyOf(p), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    expect((err as KioskError).code).toBe('ACCESS_DENIED');
  }, 60_000);

  it('no card in the field: the read waits, and an abort ends it', async () => {
    const { dev } = await wire();
    const ac = new AbortController();
    const pending = dev.chip.read(keyOf(genuine), { signal: ac.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 400));
    ac.abort();
    const err = await pending;
    expect((err as KioskError).code).toBe('ABORTED');
  }, 30_000);

  it('the scanner unplugged → fault; plugged back → recovered, and documents flow again', async () => {
    const { sim, dev, events } = await wire();
    await sim.unplugScanner();
    const fault = await until(() => events.find((e) => e.type === 'fault'), 10_000, 'the fault event');
    expect(fault).toMatchObject({ type: 'fault', code: 'SCANNER_DISCONNECTED' });
    expect(dev.status()[0]!.status).toBe('error');
    // A late subscriber hears the current fault too.
    const late: DocumentSourceEvent[] = [];
    dev.documents.subscribe((e) => late.push(e));
    await until(() => late.length > 0 || undefined, 2000, 'the replayed fault');
    expect(late[0]).toMatchObject({ type: 'fault' });

    await sim.replugScanner();
    await until(() => events.find((e) => e.type === 'recovered'), 10_000, 'the recovered event');
    expect(dev.status()[0]!.status).toBe('ok');
    await sim.placePassport(genuine);
    await until(() => events.find((e) => e.type === 'document'), 10_000, 'a document after the replug');
  }, 60_000);

  it('selfTest asks the PN532 for its firmware version', async () => {
    const { dev } = await wire();
    const st = await dev.selfTest();
    const nfc = st.find((s) => s.kind === 'nfc-reader')!;
    expect(nfc.status).toBe('ok');
    expect(nfc.detail).toMatch(/^PN532 v\d+\.\d+ on /);
    expect(st.find((s) => s.kind === 'mrz-scanner')!.status).toBe('ok');
  }, 30_000);

  it('ports that do not exist: statuses say error, the scanner reports a fault, chip reads reject', async () => {
    const p = genuine;
    const dev = await openSerialDevices(
      { mrz: { port: '/nonexistent/kiosk-mrz' }, nfc: { port: '/nonexistent/kiosk-nfc' } },
      { trustStore: p.trustStore, clock: systemClock, reconnectIntervalMs: 100 },
    );
    cleanups.push(() => dev.close());
    const events: DocumentSourceEvent[] = [];
    dev.documents.subscribe((e) => events.push(e));
    await until(() => events.find((e) => e.type === 'fault'), 2000, 'the fault');
    expect(dev.status().map((s) => s.status)).toEqual(['error', 'error']);
    const err = await dev.chip.read(keyOf(p), {}).catch((e: unknown) => e);
    expect((err as KioskError).code).toBe('READER_UNAVAILABLE');
  }, 30_000);

  it('the NFC reader unplugged and plugged back: status follows, and the chip reads again', async () => {
    const { sim, dev } = await wire();
    await sim.unplugReader();
    await until(() => dev.status()[1]!.status === 'error' || undefined, 5000, 'the reader error status');
    const err = await dev.chip.read(keyOf(genuine), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    await sim.replugReader();
    await until(() => dev.status()[1]!.status === 'ok' || undefined, 5000, 'the reader ok status');
    await sim.placePassport(genuine);
    const r = await dev.chip.read(keyOf(genuine), {});
    expect(r.passiveAuthentication.status).toBe('valid');
  }, 60_000);

  it('the NFC reader absent at start: the port is opened and the PN532 woken when it appears', async () => {
    const sim = await startSimulatedDevices();
    cleanups.push(() => sim.close());
    await sim.unplugReader();
    const dev = await openSerialDevices(sim.config, { trustStore: genuine.trustStore, clock: systemClock, reconnectIntervalMs: 100, cardWaitMs: 5000 });
    cleanups.push(() => dev.close());
    expect(dev.status()[1]).toMatchObject({ kind: 'nfc-reader', status: 'error', detail: expect.stringMatching(/cannot open/) });
    await sim.replugReader();
    const st = await until(() => (dev.status()[1]!.status === 'ok' ? dev.status()[1] : undefined), 10_000, 'the reader to come up').catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(dev.status()[1])} ${JSON.stringify(dev.stats().nfc)}`);
    });
    expect(st.detail).toMatch(/^PN532 v1\.6 on /);
    await sim.placePassport(genuine);
    expect((await dev.chip.read(keyOf(genuine), {})).passiveAuthentication.status).toBe('valid');
  }, 60_000);

  it('only an MRZ scanner configured: documents flow, chip reads reject with NO_CHIP, the reader is a warning', async () => {
    const sim = await startSimulatedDevices();
    cleanups.push(() => sim.close());
    const dev = await openSerialDevices({ mrz: sim.config.mrz }, { trustStore: genuine.trustStore, clock: systemClock });
    cleanups.push(() => dev.close());
    const events: DocumentSourceEvent[] = [];
    dev.documents.subscribe((e) => events.push(e));
    expect(dev.status()[1]).toMatchObject({ kind: 'nfc-reader', status: 'warning' });
    await sim.placePassport(genuine);
    await until(() => events.find((e) => e.type === 'document'), 10_000, 'the document');
    expect(((await dev.chip.read(keyOf(genuine), {}).catch((e: unknown) => e)) as KioskError).code).toBe('NO_CHIP');
    expect(dev.stats()).toMatchObject({ mrz: { documents: 1 }, nfc: null });
  }, 60_000);

  it("in-process simulators (mode 'in-process') read the same way", async () => {
    const sim = await startSimulatedDevices({ mode: 'in-process' });
    cleanups.push(() => sim.close());
    const dev = await openSerialDevices(sim.config, { trustStore: genuine.trustStore, clock: systemClock });
    cleanups.push(() => dev.close());
    const p = await simulatedPassport('expired');
    await sim.placePassport({ mrz: p.mrz, card: p.card });
    const r = await dev.chip.read(keyOf(p), {});
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(r.dg1?.fields.expiryDate).toBe('240101');
  }, 60_000);

  it('the passport lifted mid-read and put back: the read resumes and completes', async () => {
    const sim = await startSimulatedDevices();
    cleanups.push(() => sim.close());
    const dev = await openSerialDevices(sim.config, { trustStore: genuine.trustStore, clock: systemClock, resumeTimeoutMs: 8000 });
    cleanups.push(() => dev.close());
    await sim.placePassport(genuine);
    let lifted = false;
    const r = await dev.chip.read(keyOf(genuine), {
      onProgress: (p) => {
        if (!lifted && p.file === 'DG2' && p.bytesRead > 0) {
          lifted = true;
          void sim.liftPassport().then(() => setTimeout(() => void sim.returnPassport(), 300));
        }
      },
    });
    expect(lifted).toBe(true);
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(r.faceImage?.bytes).toEqual(genuine.passport.face.bytes);
  }, 60_000);

  it('the passport lifted for good mid-read: the read rejects (no half result)', async () => {
    const sim = await startSimulatedDevices();
    cleanups.push(() => sim.close());
    const dev = await openSerialDevices(sim.config, { trustStore: genuine.trustStore, clock: systemClock, resumeTimeoutMs: 1000 });
    cleanups.push(() => dev.close());
    await sim.placePassport(genuine);
    let lifted = false;
    const err = await dev.chip
      .read(keyOf(genuine), {
        onProgress: (p) => {
          if (!lifted && p.file === 'DG2' && p.bytesRead > 0) {
            lifted = true;
            void sim.liftPassport();
          }
        },
      })
      .catch((e: unknown) => e);
    expect(lifted).toBe(true);
    expect(err).toBeInstanceOf(KioskError);
    expect(['CARD_LOST', 'TIMEOUT']).toContain((err as KioskError).code);
  }, 60_000);

  it('no chip comes within cardWaitMs: the read rejects with TIMEOUT', async () => {
    const sim = await startSimulatedDevices();
    cleanups.push(() => sim.close());
    const dev = await openSerialDevices(sim.config, { trustStore: genuine.trustStore, clock: systemClock, cardWaitMs: 500 });
    cleanups.push(() => dev.close());
    await sim.placePassport({ mrz: genuine.mrz });
    expect(((await dev.chip.read(keyOf(genuine), {}).catch((e: unknown) => e)) as KioskError).code).toBe('TIMEOUT');
  }, 60_000);

  it('a host killed with SIGKILL takes its simulators and pty pairs with it', async () => {
    const script = `const { startSimulatedDevices } = await import(${JSON.stringify(new URL('../../main/host/devices/simulated.ts', import.meta.url).href)});
const s = await startSimulatedDevices();
console.log(JSON.stringify({ port: s.config.mrz.port }));`;
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(async () => void host.kill('SIGKILL'));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      host.once('exit', (code) => reject(new Error(`the host exited early (${code})`)));
    });
    const dir = path.dirname((JSON.parse(line) as { port: string }).port);
    const users = (): string[] =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .flatMap((pid) => {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            return cmd.includes(dir) || (cmd.includes('sim-child') && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(host.pid)) ? [pid] : [];
          } catch {
            return [];
          }
        });
    expect(users().length).toBeGreaterThanOrEqual(3); // two socat pairs and the simulator process
    expect(existsSync(dir)).toBe(true);
    host.kill('SIGKILL');
    await until(() => users().length === 0 || undefined, 10_000, 'the simulators and socat to go');
    await until(() => !existsSync(dir) || undefined, 5_000, 'the temp dir to go');
  }, 60_000);
});
