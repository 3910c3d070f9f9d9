/**
 * The model registry: models/manifest.json lists every model with its file, sha256, version,
 * inputs and outputs, preprocessing, thresholds, provenance, licence and model card. A model is
 * usable only when its file exists and its sha256 matches; anything else is a status, never a
 * throw, so the checks that need it report `not-run`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type ModelId = 'quality' | 'face-detector' | 'mrz-ocr';
export const MODEL_IDS: readonly ModelId[] = ['quality', 'face-detector', 'mrz-ocr'];

export interface TensorSpec {
  name: string;
  type: string;
  shape: (number | string)[];
}

export interface ModelEntry {
  file: string;
  sha256: string;
  version: string;
  task: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  preprocessing: Record<string, unknown>;
  thresholds: Record<string, number>;
  provenance: Record<string, unknown>;
  licence: string;
  card: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface Manifest {
  schema: number;
  models: Partial<Record<ModelId, ModelEntry>> & Record<string, ModelEntry>;
}

export type ModelStatusCode = 'ok' | 'missing' | 'checksum-mismatch' | 'load-error' | 'not-in-manifest';

export interface ModelStatus {
  id: string;
  file: string | null;
  version: string | null;
  status: ModelStatusCode;
  expectedSha256?: string;
  actualSha256?: string;
  error?: string;
}

export class ManifestError extends Error {
  readonly code = 'MODEL_MANIFEST_INVALID';
}

export async function readManifest(modelsDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path.join(modelsDir, 'manifest.json'), 'utf8');
  } catch (e) {
    throw new ManifestError(`cannot read ${path.join(modelsDir, 'manifest.json')}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError('manifest.json is not valid JSON');
  }
  const m = json as Partial<Manifest>;
  if (!m || typeof m !== 'object' || typeof m.models !== 'object' || m.models === null) throw new ManifestError('manifest.json has no "models" object');
  for (const [id, e] of Object.entries(m.models)) {
    if (!e || typeof e.file !== 'string' || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw new ManifestError(`manifest entry ${id} needs "file" and a lower-case hex "sha256"`);
    }
    if (e.file.includes('..') || path.isAbsolute(e.file)) throw new ManifestError(`manifest entry ${id}: file must be a plain name inside the models folder`);
    if (typeof e.thresholds !== 'object' || e.thresholds === null) e.thresholds = {};
  }
  return { schema: typeof m.schema === 'number' ? m.schema : 1, models: m.models as Manifest['models'] };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a model file and checks its sha256. Returns the bytes when ok. */
export async function verifyModelFile(modelsDir: string, id: string, entry: ModelEntry): Promise<{ status: ModelStatus; bytes?: Uint8Array }> {
  const base = { id, file: entry.file, version: entry.version ?? null, expectedSha256: entry.sha256 };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path.join(modelsDir, entry.file)));
  } catch (e) {
    return { status: { ...base, status: 'missing', error: (e as NodeJS.ErrnoException).code ?? 'unreadable' } };
  }
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) return { status: { ...base, status: 'checksum-mismatch', actualSha256: actual } };
  return { status: { ...base, status: 'ok', actualSha256: actual }, bytes };
}
