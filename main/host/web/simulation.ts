/**
 * Simulated devices for the browser host when no real device is configured: the MRZ scanner and
 * PN532 simulators on real pty pairs (main/host/devices/simulated.ts), read by the same serial
 * drivers as real devices. A simulated traveller puts a generated passport on the kiosk once the
 * traveller accepted the notice, and a simulated document camera delivers a synthetic data-page
 * image with the MRZ (serial MRZ scanners send text only).
 */
import { systemClock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { DeviceStatus } from '../../contract/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import type { ChipReaderPort, DocumentSource, DocumentSourceEvent, ScannedDocument } from '../../kiosk/index.js';
import { renderPage, type SkinTone } from '../../sim/pages/generate.js';
import type { SimulationScenario } from '../config.js';
import { openSerialDevices, type SerialDevices } from '../devices/serial.js';
import { scenarioAt, simulatedPassport, simulatedTrustStore, startSimulatedDevices, type SimulatedDevices } from '../devices/simulated.js';

export interface Simulation {
  documents: DocumentSource;
  chip: ChipReaderPort;
  trustStore: TrustStore;
  status(): DeviceStatus[];
  selfTest(): Promise<DeviceStatus[]>;
  travellerReady(): void;
  close(): Promise<void>;
}

export interface SimulationOptions {
  log: Logger;
  scenario: SimulationScenario;
  placeDelayMs: number;
  baudRate?: number;
}

const TONES: SkinTone[] = ['I', 'II', 'III', 'IV', 'V', 'VI'];

/** Adds the camera's page image to the scanner's document event (matched by MRZ lines). */
class CameraDocumentSource implements DocumentSource {
  private readonly listeners = new Set<(e: DocumentSourceEvent) => void>();
  private pages = new Map<string, ScannedDocument['pageImage']>();

  constructor(inner: DocumentSource) {
    inner.subscribe((e) => {
      if (e.type === 'document') {
        const page = this.pages.get(e.document.lines.join('\n'));
        if (page) e = { type: 'document', document: { ...e.document, pageImage: page } };
      }
      for (const l of [...this.listeners]) l(e);
    });
  }

  expect(lines: readonly string[], page: NonNullable<ScannedDocument['pageImage']>): void {
    this.pages = new Map([[lines.join('\n'), page]]);
  }

  subscribe(l: (e: DocumentSourceEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

export async function startSimulation(opts: SimulationOptions): Promise<Simulation> {
  const log = opts.log;
  const trustStore = simulatedTrustStore();
  const sim: SimulatedDevices = await startSimulatedDevices({ baudRate: opts.baudRate ?? 115200, log });
  let devices: SerialDevices;
  try {
    devices = await openSerialDevices(sim.config, { trustStore, clock: systemClock, log, simulated: true });
  } catch (e) {
    await sim.close();
    throw e;
  }
  const camera = new CameraDocumentSource(devices.documents);
  let count = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;

  const place = async (): Promise<void> => {
    const n = count++;
    const scenario = scenarioAt(opts.scenario, n);
    const p = await simulatedPassport(scenario, undefined, { index: n });
    const f = p.passport.mrz.fields;
    const page = renderPage({
      seed: 1000 + n,
      skinTone: TONES[n % TONES.length]!,
      fields: {
        documentCode: f.documentCode ?? 'P',
        issuingState: f.issuingState ?? 'UTO',
        surname: f.surname ?? '',
        givenNames: f.givenNames ?? '',
        documentNumber: f.documentNumber ?? '',
        nationality: f.nationality ?? 'UTO',
        birthDate: f.birthDate ?? '',
        sex: f.sex === 'M' || f.sex === 'F' ? f.sex : '<',
        expiryDate: f.expiryDate ?? '',
        personalNumber: f.personalNumber ?? '',
      },
      mrzOverride: [p.mrz[0]!, p.mrz[1]!],
    });
    camera.expect(p.mrz, { format: page.label.mime === 'image/png' ? 'png' : 'jpeg', bytes: page.image });
    await sim.placePassport({ mrz: p.mrz, card: p.card });
    log.info('simulated traveller placed a passport', { scenario });
  };

  return {
    documents: camera,
    chip: devices.chip,
    trustStore,
    status: () => devices.status(),
    selfTest: () => devices.selfTest(),
    travellerReady() {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        place().catch((e) => log.error('the simulated traveller could not place a passport', { error: e instanceof Error ? e : new Error(String(e)) }));
      }, opts.placeDelayMs);
    },
    async close() {
      if (pending) clearTimeout(pending);
      await devices.close().catch(() => undefined);
      await sim.close().catch(() => undefined);
    },
  };
}
