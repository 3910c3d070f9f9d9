import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';

/** `kiosk simulate mrz` on one end of a pty pair, `kiosk scan-mrz` on the other: two real processes. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kiosk = path.join(root, 'bin/kiosk.js');
const fixture = JSON.parse(readFileSync(path.join(root, 'test/fixtures/mrz-scanner/specimen-mrz.json'), 'utf8')) as {
  documents: Array<{ format: string; lines: string[]; valid: boolean }>;
};
const TD3 = fixture.documents.find((d) => d.format === 'TD3' && d.valid)!.lines;
const TD3_BAD = fixture.documents.find((d) => d.format === 'TD3' && !d.valid)!.lines;

interface Run {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<number>;
}

function start(args: string[]): Run {
  const proc = spawn(process.execPath, [kiosk, ...args], { cwd: root, env: { ...process.env, KIOSK_LOG_LEVEL: 'warn' } });
  const run: Run = { proc, stdout: '', stderr: '', done: Promise.resolve(0) };
  proc.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  run.done = new Promise((resolve) => proc.on('exit', (code) => resolve(code ?? -1)));
  return run;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kiosk scan-mrz ⟷ kiosk simulate mrz over a pty pair', () => {
  let pair: PtyPair;
  const procs: ChildProcess[] = [];
  beforeEach(async () => {
    pair = await createPtyPair();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
    await pair.dispose();
  });

  async function scanWith(simArgs: string[], scanArgs: string[] = []): Promise<{ code: number; json: Record<string, unknown> | undefined; scan: Run; sim: Run }> {
    const scan = start(['scan-mrz', '--port', pair.b, '--timeout-ms', '20000', ...scanArgs]);
    procs.push(scan.proc);
    await until(() => scan.stderr.includes('waiting for a document'), 20000, 'scan-mrz to listen');
    const sim = start(['simulate', 'mrz', '--port', pair.a, ...simArgs]);
    procs.push(sim.proc);
    const code = await scan.done;
    await sim.done;
    return { code, json: scan.stdout.trim() ? (JSON.parse(scan.stdout) as Record<string, unknown>) : undefined, scan, sim };
  }

  it('a valid TD3 in RTE framing with noise and a split frame: the kiosk mrz JSON plus framing, exit 0', async () => {
    const { code, json, sim } = await scanWith(['--framing', 'rte', '--noise', '--split', '--mrz', ...TD3]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ valid: true, format: 'TD3', framing: 'rte', fields: { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', birthDate: '740812' }, errors: [] });
    expect(await sim.done).toBe(0);
    expect(JSON.parse(sim.stdout)).toEqual({ framing: 'rte', sent: 1, documents: 1 });
  }, 60_000);

  it('invalid document data: exit 1 with the JSON', async () => {
    const { code, json } = await scanWith(['--framing', 'stx-etx', '--baud', '115200', '--mrz', ...TD3_BAD], ['--framing', 'stx-etx']);
    expect(code).toBe(1);
    expect(json).toMatchObject({ valid: false, format: 'TD3', framing: 'stx-etx' });
    expect((json!.checks as Array<{ field: string; valid: boolean }>).filter((c) => !c.valid).map((c) => c.field).sort()).toEqual(['composite', 'expiryDate']);
  }, 60_000);

  it('a bad BCC only: no document before the timeout, exit 3, and the BCC error on standard error', async () => {
    const scan = start(['scan-mrz', '--port', pair.b, '--timeout-ms', '8000']);
    procs.push(scan.proc);
    await until(() => scan.stderr.includes('waiting for a document'), 20000, 'scan-mrz to listen');
    const sim = start(['simulate', 'mrz', '--port', pair.a, '--framing', 'rte', '--bad-bcc', '--mrz', ...TD3]);
    procs.push(sim.proc);
    expect(await sim.done).toBe(0);
    await until(() => scan.stderr.includes('MRZ_BAD_BCC'), 10000, 'the BCC error report');
    expect(await scan.done).toBe(3);
    expect(scan.stdout).toBe('');
  }, 60_000);

  it('a port that does not exist is a device error (4); bad options are usage errors (2)', async () => {
    const missing = start(['scan-mrz', '--port', path.join(path.dirname(pair.a), 'nope'), '--timeout-ms', '1000']);
    expect(await missing.done).toBe(4);
    const bad = start(['scan-mrz', '--port', pair.b, '--framing', 'morse']);
    expect(await bad.done).toBe(2);
    const noPort = start(['scan-mrz']);
    expect(await noPort.done).toBe(2);
    const simBad = start(['simulate', 'mrz', '--port', pair.a, '--framing', 'lines', '--bad-bcc', '--mrz', ...TD3]);
    expect(await simBad.done).toBe(2);
  }, 60_000);

  it('scan-mrz survives an unplug and replug of the scanner, then reads the document', async () => {
    const scan = start(['scan-mrz', '--port', pair.b, '--timeout-ms', '20000']);
    procs.push(scan.proc);
    await until(() => scan.stderr.includes('waiting for a document'), 20000, 'scan-mrz to listen');
    await pair.stop();
    await until(() => scan.stderr.includes('scanner disconnected'), 10000, 'the disconnect report');
    await pair.start();
    await until(() => scan.stderr.includes('scanner connected again'), 10000, 'the reconnect report');
    const sim = start(['simulate', 'mrz', '--port', pair.a, '--framing', 'lines', '--mrz', ...TD3]);
    procs.push(sim.proc);
    expect(await scan.done).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ valid: true, framing: 'lines' });
  }, 60_000);

  it('a scanner that is gone at the deadline is a device error (4)', async () => {
    const scan = start(['scan-mrz', '--port', pair.b, '--timeout-ms', '4000']);
    procs.push(scan.proc);
    await until(() => scan.stderr.includes('waiting for a document'), 20000, 'scan-mrz to listen');
    await pair.stop();
    expect(await scan.done).toBe(4);
    expect(scan.stdout).toBe('');
  }, 60_000);

  it('simulate mrz --repeat 0 runs until stopped (SIGTERM: exit 0 with what it sent)', async () => {
    const sim = start(['simulate', 'mrz', '--port', pair.a, '--framing', 'fs-gs', '--repeat', '0', '--interval-ms', '100', '--mrz', ...TD3]);
    procs.push(sim.proc);
    await until(() => sim.stderr.includes('document(s) on'), 20000, 'the simulator to start');
    await new Promise((r) => setTimeout(r, 600));
    sim.proc.kill('SIGTERM');
    expect(await sim.done).toBe(0);
    const out = JSON.parse(sim.stdout) as { sent: number };
    expect(out.sent).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
