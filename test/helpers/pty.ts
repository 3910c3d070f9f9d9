import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real pty pair made by socat (`socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`).
 * Bytes written to `a` come out of `b` and back. Ptys ignore the baud rate: simulators pace
 * bytes themselves. `stop()` removes the pair (like unplugging a USB device); `start()` makes
 * it again with the same paths (plugging it back in).
 */
export interface PtyPair {
  a: string;
  b: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function createPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-pty-'));
  const a = path.join(dir, 'A');
  const b = path.join(dir, 'B');
  let proc: ChildProcess | undefined;

  const pair: PtyPair = {
    a,
    b,
    async start() {
      if (proc) return;
      proc = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
      proc.on('exit', () => {
        proc = undefined;
      });
      await waitFor(() => existsSync(a) && existsSync(b), 5000, 'socat pty links');
    },
    async stop() {
      const p = proc;
      if (!p) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
      proc = undefined;
      await waitFor(() => !existsSync(a) && !existsSync(b), 5000, 'socat pty links to go');
    },
    async dispose() {
      await pair.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pair.start();
  return pair;
}
