/**
 * Runs `kiosk serve` (the browser host on simulated devices over socat ptys) as a child process
 * for the end-to-end tests and the UI benchmark: a fresh KIOSK_DATA_DIR (and KIOSK_CONFIG file
 * when a config is given), waits for the `Kiosk UI at http://127.0.0.1:PORT` line, keeps the
 * server's standard error for the artifacts, and stops it (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const URL_LINE = /Kiosk UI at (http:\/\/127\.0\.0\.1:\d+)/;

export type Scenario = 'genuine' | 'expired' | 'unknown-signer' | 'tampered' | 'wrong-mrz' | 'rotate';

export interface KioskServerOptions {
  scenario?: Scenario;
  /** Written to a KIOSK_CONFIG file in the data directory. */
  config?: Record<string, unknown>;
  /** Extra `kiosk serve` flags, e.g. ['--ui-timeout-ms', '4000']. */
  args?: string[];
  /** How long to wait for the URL line (the first start may build the renderer). */
  startTimeoutMs?: number;
}

export interface KioskServer {
  url: string;
  dataDir: string;
  pid: number;
  /** From spawning the process to the URL line, in ms. */
  startMs: number;
  /** Monotonic time (performance.now()) at which the process was spawned. */
  spawnedAt: number;
  stderr(): string;
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startKiosk(opts: KioskServerOptions = {}): Promise<KioskServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KIOSK_DATA_DIR: dataDir, CI: '1' };
  delete env.KIOSK_PORT;
  delete env.KIOSK_CONFIG;
  if (opts.config) {
    const file = path.join(dataDir, 'kiosk-config.json');
    writeFileSync(file, JSON.stringify(opts.config));
    env.KIOSK_CONFIG = file;
  }
  const args = [path.join(REPO_ROOT, 'bin/kiosk.js'), 'serve', '--no-open', '--port', '0'];
  if (opts.scenario) args.push('--scenario', opts.scenario);
  args.push(...(opts.args ?? []));

  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (err.length > 2_000_000) err = err.slice(-1_000_000);
  });

  // Backstop: a test process that dies without afterAll does not leave the server running.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 8000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5000);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kiosk serve did not print its URL within ${opts.startTimeoutMs ?? 90_000} ms\n${err.slice(-4000)}`)), opts.startTimeoutMs ?? 90_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = URL_LINE.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`kiosk serve exited (${code ?? sig}) before printing its URL\n${err.slice(-4000)}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, dataDir, pid: child.pid!, startMs: performance.now() - spawnedAt, spawnedAt, stderr: () => err, stop };
}
