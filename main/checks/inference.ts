/**
 * ONNX inference in a worker thread (onnxruntime-node, CPU). Models are loaded once from bytes
 * whose sha256 the registry has checked; the intra-op thread count is configurable for small
 * hardware; every inference has a timeout. A request past its timeout is rejected with
 * TimeoutError (its check reports not-run) but the worker is NOT terminated: terminating a worker
 * while ONNX Runtime is still computing in it can abort the whole process (a Napi::Error thrown
 * during the worker's teardown, seen with onnxruntime-node 1.23), which is worse than a slow
 * answer. The late answer is dropped; while MAX_OVERDUE timed-out runs are still computing, new
 * requests fail at once with INFERENCE_BUSY. close() waits for in-flight runs before terminating.
 * Nothing here throws anything but KioskError subclasses.
 *
 * The worker's code is a plain-JavaScript string run with `eval: true`, so that it needs no
 * TypeScript loader in the worker (tsx, vitest and the compiled build all work the same).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { KioskError, TimeoutError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';

export class InferenceError extends KioskError {}

export interface TensorData {
  data: Float32Array;
  dims: number[];
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
parentPort.on('message', async (msg) => {
  if (msg.type === 'load') {
    try {
      const s = await ort.InferenceSession.create(msg.bytes, {
        intraOpNumThreads: msg.threads, interOpNumThreads: 1, executionMode: 'sequential',
        graphOptimizationLevel: 'all', logSeverityLevel: 3, executionProviders: ['cpu'],
      });
      sessions.set(msg.model, s);
      parentPort.postMessage({ id: msg.id, ok: true, inputs: s.inputNames, outputs: s.outputNames });
    } catch (e) {
      parentPort.postMessage({ id: msg.id, ok: false, error: String(e && e.message || e).slice(0, 500) });
    }
    return;
  }
  if (msg.type === 'run') {
    const s = sessions.get(msg.model);
    if (!s) { parentPort.postMessage({ id: msg.id, ok: false, error: 'model not loaded' }); return; }
    try {
      const feeds = {};
      for (const [k, v] of Object.entries(msg.feeds)) feeds[k] = new ort.Tensor('float32', v.data, v.dims);
      const out = await s.run(feeds);
      const outputs = {};
      const transfer = [];
      for (const [k, t] of Object.entries(out)) {
        const data = Float32Array.from(t.data);
        outputs[k] = { data, dims: Array.from(t.dims) };
        transfer.push(data.buffer);
      }
      parentPort.postMessage({ id: msg.id, ok: true, outputs }, transfer);
    } catch (e) {
      parentPort.postMessage({ id: msg.id, ok: false, error: String(e && e.message || e).slice(0, 500) });
    }
  }
});
`;

/**
 * The main thread keeps onnxruntime-node's native addon loaded for the life of the process. Without
 * it, terminating the last worker that loaded the addon unloads the shared library, and loading it
 * again in a new worker fails with "Module did not self-register" (seen with onnxruntime-node 1.23
 * on Node 20): a timed-out worker could then never be replaced. No session runs in the main thread.
 */
let ortPinned: string | null = null;
function pinOrt(): string {
  if (ortPinned) return ortPinned;
  const req = createRequire(import.meta.url);
  const p = req.resolve('onnxruntime-node');
  req(p);
  ortPinned = p;
  return p;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
  /** Timed out: the answer, when it comes, is dropped. */
  overdue: boolean;
}

const MAX_OVERDUE = 2;

export interface InferenceOptions {
  /** Intra-op threads per session (default 1: predictable latency on a small kiosk CPU). */
  threads?: number;
  /** Per inference (default 5000 ms). */
  timeoutMs?: number;
  /** Model load (default 30000 ms). */
  loadTimeoutMs?: number;
  log?: Logger;
}

export class InferenceWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly models = new Map<string, Uint8Array>();
  private readonly loaded = new Set<string>();
  private readonly threads: number;
  private readonly timeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly log: Logger;
  private closed = false;

  constructor(opts: InferenceOptions = {}) {
    this.threads = Math.max(1, Math.floor(opts.threads ?? 1));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? 30_000;
    this.log = opts.log ?? nullLogger;
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const ortPath = pinOrt();
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath } });
    w.unref();
    w.on('message', (msg: { id: number; ok: boolean; error?: string } & Record<string, unknown>) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      this.settled();
      if (p.overdue) return;
      if (msg.ok) p.resolve(msg);
      else p.reject(new InferenceError('INFERENCE_FAILED', `inference failed: ${msg.error ?? 'unknown'}`));
    });
    w.on('error', (e) => {
      this.log.error('inference worker error', { error: e });
      this.failAll(new InferenceError('INFERENCE_WORKER_CRASHED', 'the inference worker stopped with an error', {}, { cause: e }));
      this.worker = null;
      this.loaded.clear();
    });
    w.on('exit', () => {
      if (this.worker === w) {
        this.worker = null;
        this.loaded.clear();
        this.failAll(new InferenceError('INFERENCE_WORKER_EXITED', 'the inference worker exited'));
      }
    });
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      if (!p.overdue) p.reject(e);
      this.pending.delete(id);
    }
    this.settled();
  }

  private idleWaiters: (() => void)[] = [];
  private settled(): void {
    if (this.pending.size > 0) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  private overdueCount(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.overdue) n++;
    return n;
  }

  private request(msg: Record<string, unknown>, timeoutMs: number, transfer: ArrayBuffer[] = []): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new InferenceError('INFERENCE_CLOSED', 'the inference worker is closed'));
    if (this.overdueCount() >= MAX_OVERDUE) {
      return Promise.reject(new InferenceError('INFERENCE_BUSY', 'earlier inferences past their timeout are still running', { model: msg.model }));
    }
    const w = this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, timer: null, overdue: false };
      entry.timer = setTimeout(() => {
        entry.overdue = true;
        entry.timer = null;
        this.log.warn('inference ran past its timeout; its answer will be dropped', { model: msg.model, timeoutMs });
        reject(new TimeoutError(`inference of ${String(msg.model)} ran past ${timeoutMs} ms`, { model: msg.model, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, entry);
      w.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Loads (or reloads) a model from checked bytes. Throws InferenceError LOAD_ERROR when ORT rejects it. */
  async load(model: string, bytes: Uint8Array): Promise<{ inputs: string[]; outputs: string[] }> {
    this.models.set(model, bytes);
    const r = await this.request({ type: 'load', model, bytes, threads: this.threads }, this.loadTimeoutMs).catch((e: unknown) => {
      this.models.delete(model);
      if (e instanceof InferenceError && e.code === 'INFERENCE_FAILED') throw new InferenceError('MODEL_LOAD_ERROR', e.message.replace('inference failed', 'model load failed'), { model });
      throw e;
    });
    this.loaded.add(model);
    return { inputs: r.inputs as string[], outputs: r.outputs as string[] };
  }

  /** Runs a loaded model (reloading it if the worker had to be started again after a crash). */
  async run(model: string, feeds: Record<string, TensorData>, timeoutMs = this.timeoutMs): Promise<Record<string, TensorData>> {
    if (!this.loaded.has(model)) {
      const bytes = this.models.get(model);
      if (!bytes) throw new InferenceError('MODEL_NOT_LOADED', `model ${model} is not loaded`, { model });
      await this.load(model, bytes);
    }
    const r = await this.request({ type: 'run', model, feeds }, timeoutMs);
    return r.outputs as Record<string, TensorData>;
  }

  /** Stops the worker after its in-flight runs finish (at most `graceMs`, default 30 s). */
  async close(graceMs = 30_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pending.size > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const w = this.worker;
    this.worker = null;
    this.failAll(new InferenceError('INFERENCE_CLOSED', 'the inference worker is closed'));
    if (w) await w.terminate().catch(() => undefined);
  }
}
