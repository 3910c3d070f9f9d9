/**
 * `kiosk models verify`: every model of the manifest checked for presence, checksum and whether
 * ONNX Runtime can load it (in the inference worker, as at run time).
 */
import { InferenceWorker } from './inference.js';
import { MODEL_IDS, ManifestError, readManifest, verifyModelFile, type ModelStatus } from './registry.js';

export interface VerifyReport {
  modelsDir: string;
  manifest: 'ok' | 'invalid';
  manifestError?: string;
  models: ModelStatus[];
  ok: boolean;
}

export async function verifyModels(modelsDir: string, opts: { load?: boolean } = {}): Promise<VerifyReport> {
  let manifest;
  try {
    manifest = await readManifest(modelsDir);
  } catch (e) {
    const msg = e instanceof ManifestError ? e.message : String(e);
    return {
      modelsDir,
      manifest: 'invalid',
      manifestError: msg,
      models: MODEL_IDS.map((id) => ({ id, file: null, version: null, status: 'not-in-manifest' as const })),
      ok: false,
    };
  }
  const ids = [...new Set([...MODEL_IDS, ...Object.keys(manifest.models)])];
  const worker = opts.load === false ? null : new InferenceWorker({ threads: 1, timeoutMs: 30_000 });
  const models: ModelStatus[] = [];
  try {
    for (const id of ids) {
      const entry = manifest.models[id];
      if (!entry) {
        models.push({ id, file: null, version: null, status: 'not-in-manifest' });
        continue;
      }
      const { status, bytes } = await verifyModelFile(modelsDir, id, entry);
      if (status.status === 'ok' && bytes && worker) {
        try {
          await worker.load(id, bytes);
        } catch (e) {
          models.push({ ...status, status: 'load-error', error: e instanceof Error ? e.message : String(e) });
          continue;
        }
      }
      models.push(status);
    }
  } finally {
    await worker?.close();
  }
  return { modelsDir, manifest: 'ok', models, ok: models.every((m) => m.status === 'ok') };
}
