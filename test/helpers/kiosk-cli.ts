import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs the real `kiosk` command (bin/kiosk.js) as a child process, as technicians and CI do. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KIOSK = path.join(ROOT, 'bin/kiosk.js');

export interface KioskRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One `kiosk ARGS...` to its end; rejects (after SIGKILL) when it runs past timeoutMs. */
export function runKiosk(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KioskRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KIOSK, ...args], { cwd: ROOT, env: { ...process.env, KIOSK_LOG_LEVEL: 'warn', ...opts.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`kiosk ${args[0]} timed out; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `kiosk simulate nfc ARGS...` and resolves once it says it is ready. */
export function startNfcSimulator(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KIOSK, 'simulate', 'nfc', ...args], { cwd: ROOT, env: { ...process.env, KIOSK_LOG_LEVEL: 'warn' } });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${stderr}`)), 30_000);
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('"ready":true')) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${stderr}`)));
  });
}

/** Stops a child process with SIGTERM and waits for it to exit. */
export async function stopProcess(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}
