import type { ChipReadResult, DocumentSource, DocumentSourceEvent, MrzResult, ScannedDocument, ChipReaderPort, ChipAccessKey, ChipProgress, DocumentChecksPort, CheckEvidence } from '../../../main/kiosk/index.js';

export function mrzResult(over: Partial<MrzResult['fields']> = {}, valid = true): MrzResult {
  return {
    valid,
    format: 'TD3',
    fields: {
      documentCode: 'P', issuingState: 'UTO', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: 'L898902C3',
      nationality: 'UTO', birthDate: '740812', sex: 'F', expiryDate: '300415', personalNumber: 'ZE184226B', ...over,
    },
    checks: [],
    corrections: [],
    errors: [],
  };
}

export function scanned(over: Partial<MrzResult['fields']> = {}, valid = true): ScannedDocument {
  return { lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F3004159ZE184226B<<<<<10'], mrz: mrzResult(over, valid) };
}

export function chipResult(over: Partial<ChipReadResult> = {}, dg1: MrzResult | null = mrzResult()): ChipReadResult {
  return {
    chip: { type: 'A', uid: '01020304' },
    accessControl: { protocol: 'PACE', status: 'success' },
    dg1,
    faceImage: { format: 'jpeg', width: 2, height: 2, bytes: new Uint8Array([0xff, 0xd8, 1, 2]) },
    passiveAuthentication: { status: 'valid', signatureValid: true, dataGroupHashes: { DG1: true, DG2: true } },
    activeAuthentication: { status: 'valid' },
    chipAuthentication: { status: 'not-supported' },
    timings: { totalMs: 100 },
    ...over,
  };
}

export const passingEvidence: CheckEvidence[] = [
  { check: 'image-sharpness', status: 'pass', score: 0.9, reasonCode: 'OK' },
  { check: 'image-glare', status: 'pass', score: 0.95, reasonCode: 'OK' },
  { check: 'image-exposure', status: 'pass', score: 0.9, reasonCode: 'OK' },
  { check: 'image-crop', status: 'pass', score: 1, reasonCode: 'OK' },
  { check: 'face-present', status: 'pass', score: 0.95, threshold: 0.8, reasonCode: 'OK', modelVersion: 'fm-1' },
  { check: 'mrz-ocr', status: 'pass', reasonCode: 'OK' },
  { check: 'mrz-vs-scanner', status: 'pass', reasonCode: 'OK' },
  { check: 'mrz-vs-chip', status: 'pass', reasonCode: 'OK' },
];

export class FakeSource implements DocumentSource {
  private ls = new Set<(e: DocumentSourceEvent) => void>();
  subscribe(l: (e: DocumentSourceEvent) => void): () => void {
    this.ls.add(l);
    return () => this.ls.delete(l);
  }
  emit(e: DocumentSourceEvent): void {
    for (const l of this.ls) l(e);
  }
}

/** A chip reader whose answer the test controls. */
export class FakeChip implements ChipReaderPort {
  calls: ChipAccessKey[] = [];
  result: ChipReadResult | Error = chipResult();
  /** When set, read() waits for release(). */
  hold = false;
  private waiting: (() => void)[] = [];
  progress: ChipProgress[] = [{ file: 'DG1', bytesRead: 93, totalBytes: 93, fraction: 0.1 }, { file: 'DG2', bytesRead: 5000, totalBytes: 15000, fraction: 0.5 }];
  async read(key: ChipAccessKey, opts: { onProgress?: (p: ChipProgress) => void; signal?: AbortSignal }): Promise<ChipReadResult> {
    this.calls.push(key);
    for (const p of this.progress) opts.onProgress?.(p);
    if (this.hold) await new Promise<void>((r) => this.waiting.push(r));
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
  release(): void {
    for (const r of this.waiting.splice(0)) r();
  }
}

export class FakeChecks implements DocumentChecksPort {
  evidence: CheckEvidence[] | Error = passingEvidence;
  async run(): Promise<CheckEvidence[]> {
    if (this.evidence instanceof Error) throw this.evidence;
    return this.evidence.map((e) => ({ ...e }));
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
