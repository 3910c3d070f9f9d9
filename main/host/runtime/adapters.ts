/**
 * Adapters from the concrete layers (mrz, emrtd, sim) to the kiosk's ports. Only the host wires
 * concrete parts; the core sees the ports.
 */
import type { Clock } from '../../base/clock.js';
import { DeviceError, KioskError, asKioskError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { activeAuthenticate } from '../../emrtd/aa.js';
import { chipAuthenticate } from '../../emrtd/ca.js';
import { passiveAuthenticate, type DataGroupName, type TrustStore } from '../../emrtd/pki/index.js';
import { readPassport, type ReadResult } from '../../emrtd/reader.js';
import type { ApduTransport } from '../../emrtd/transport.js';
import type {
  ChipAccessKey,
  ChipProgress,
  ChipReaderPort,
  ChipReadResult,
  DocumentSource,
  DocumentSourceEvent,
  ScannedDocument,
} from '../../kiosk/index.js';
import { mrzInformation, parseMrz } from '../../mrz/index.js';
import type { SimCard } from '../../sim/card.js';

/** A document source fed by code: the in-process simulator, tests, or the web host's test hooks. */
export class MemoryDocumentSource implements DocumentSource {
  private readonly listeners = new Set<(e: DocumentSourceEvent) => void>();

  subscribe(l: (e: DocumentSourceEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: DocumentSourceEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  /** A document is put on the scanner and its MRZ read. */
  present(lines: readonly string[], pageImage?: ScannedDocument['pageImage']): void {
    this.emit({ type: 'document-present' });
    this.emit({ type: 'document', document: { lines: [...lines], mrz: parseMrz(lines), ...(pageImage ? { pageImage } : {}) } });
  }
}

/** ApduTransport straight over a SimCard (no PN532, no wire): the in-process chip path. */
export class SimCardTransport implements ApduTransport {
  readonly maxLe = 231;
  readonly extendedLength = false;

  constructor(private readonly card: () => SimCard | null) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const c = this.card();
    if (!c || !c.present()) throw new DeviceError('CARD_LOST', 'no chip in the field');
    return c.transceive(command).response;
  }

  async reconnect(opts: { timeoutMs: number }): Promise<void> {
    const c = this.card();
    if (c?.present()) {
      c.reset();
      return;
    }
    throw new KioskError('TIMEOUT', 'no chip came back', { timeoutMs: opts.timeoutMs });
  }
}

export interface EmrtdChipReaderOptions {
  /** The transport to the chip now (null: no reader / no chip). */
  transport: () => ApduTransport | null | Promise<ApduTransport | null>;
  trustStore: TrustStore;
  clock: Clock;
  logger?: Logger;
  /** Passed to readPassport (resume after a lift). */
  resumeTimeoutMs?: number;
}

const DG_NAMES: DataGroupName[] = ['DG1', 'DG2', 'DG11', 'DG12', 'DG14', 'DG15'];

/** The chip reader port over main/emrtd: read (with progress), then Passive, Chip and Active Authentication. */
export function emrtdChipReader(o: EmrtdChipReaderOptions): ChipReaderPort {
  const log = (o.logger ?? nullLogger).child('chip');
  return {
    async read(key: ChipAccessKey, opts: { onProgress?: (p: ChipProgress) => void; signal?: AbortSignal }): Promise<ChipReadResult> {
      const transport = await o.transport();
      if (!transport) throw new KioskError('NO_CHIP', 'no chip reader or no chip');
      let info: string;
      try {
        info = mrzInformation(key.documentNumber, key.birthDate, key.expiryDate);
      } catch (e) {
        throw new KioskError('NO_ACCESS_KEY', 'the MRZ gives no usable access key', {}, { cause: e });
      }
      const r: ReadResult = await readPassport(
        transport,
        { kind: 'mrz', mrzInformation: info },
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
          resume: { timeoutMs: o.resumeTimeoutMs ?? 5_000 },
          log,
          onProgress: (p) =>
            opts.onProgress?.({
              file: p.file,
              bytesRead: p.bytesRead,
              totalBytes: p.totalBytes,
              ...(p.overall.filesPlanned ? { fraction: Math.min(1, (p.overall.filesDone + (p.totalBytes ? p.bytesRead / p.totalBytes : 0)) / p.overall.filesPlanned) } : {}),
            }),
        },
      );
      const dataGroups: Partial<Record<DataGroupName, Uint8Array>> = {};
      for (const n of DG_NAMES) {
        const b = r.files[n as keyof ReadResult['files']];
        if (b) dataGroups[n] = b;
      }
      const pa = await passiveAuthenticate({ sod: r.files.SOD, dataGroups, trustStore: o.trustStore, now: new Date(o.clock.now()) });
      let ca: ChipReadResult['chipAuthentication'] = { status: r.files.DG14 ? 'not-performed' : 'not-supported' };
      if (r.files.DG14) {
        try {
          ca = { status: (await chipAuthenticate(r.session.channel, r.files.DG14)).status };
        } catch (e) {
          log.warn('chip authentication did not complete', { code: asKioskError(e).code });
        }
      }
      let aa: ChipReadResult['activeAuthentication'] = { status: r.files.DG15 ? 'not-performed' : 'not-supported' };
      if (r.files.DG15 && ca.status !== 'invalid') {
        try {
          aa = { status: (await activeAuthenticate(r.session.channel, r.files.DG15, r.files.DG14 ? { dg14: r.files.DG14 } : {})).status };
        } catch (e) {
          log.warn('active authentication did not complete', { code: asKioskError(e).code });
        }
      }
      return {
        accessControl: { protocol: r.accessControl.protocol, status: r.accessControl.status },
        dg1: r.dg1 ? parseMrz(r.dg1.lines) : null,
        faceImage: r.face ? { format: r.face.info.format as 'jpeg' | 'jpeg2000', width: r.face.info.width, height: r.face.info.height, bytes: r.face.image } : null,
        passiveAuthentication: {
          status: pa.status,
          signatureValid: pa.signatureValid ?? false,
          dataGroupHashes: pa.dataGroupHashes,
          documentSigner: pa.documentSigner ? { ...pa.documentSigner } : {},
          reasons: pa.reasons.map((x) => x.code),
        },
        activeAuthentication: aa,
        chipAuthentication: ca,
        timings: { totalMs: r.timings.totalMs, accessControlMs: r.timings.accessControlMs, perFileMs: { ...r.timings.perFileMs } as Record<string, number> },
      };
    },
  };
}
