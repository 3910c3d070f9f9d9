/**
 * Standard PN532 host software against the simulated PN532: libnfc's nfc-list and nfc-poll
 * (Debian packages libnfc-bin and libnfc-examples) open the pty with their pn532_uart driver,
 * wake the module, configure it (registers, RF settings) and list the card. Skipped when the
 * tools are not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openPn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { createPtyPair } from '../helpers/pty.js';
import { EchoCard } from '../unit/sim/pn532/fake-card.js';

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function run(tool: string, args: string[], card: EchoCard): Promise<{ code: number | null; out: string; sim: { commands: number; badFrames: number } }> {
  const pair = await createPtyPair();
  const sim = await openPn532SimulatorOnPort({ path: pair.b, baudRate: 115200, field: { card } });
  cleanups.push(async () => {
    await sim.close();
    await pair.dispose();
  });
  const p = spawn(tool, args, { env: { ...process.env, LIBNFC_DEFAULT_DEVICE: `pn532_uart:${pair.a}:115200`, LIBNFC_LOG_LEVEL: '1' } });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => p.kill('SIGTERM'), 25_000);
    p.on('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  return { code, out, sim: sim.stats };
}

describe.skipIf(!has('nfc-list'))('libnfc against the simulated PN532', () => {
  it('nfc-list finds the ISO/IEC 14443-4 type A chip with its UID, SAK and ATS', async () => {
    const r = await run('nfc-list', [], new EchoCard('A'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 ISO14443A passive target(s) found');
    expect(r.out).toMatch(/ATQA \(SENS_RES\): 00 {2}08/);
    expect(r.out).toMatch(/UID \(NFCID.\): 08 {2}12 {2}34 {2}56/);
    expect(r.out).toMatch(/SAK \(SEL_RES\): 20/);
    expect(r.out).toMatch(/ATS: 78 {2}80 {2}70 {2}02/);
    expect(r.sim.badFrames).toBe(0);
  }, 40_000);

  it('nfc-list finds a type B chip', async () => {
    const r = await run('nfc-list', [], new EchoCard('B'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 ISO14443B passive target(s) found');
    expect(r.out).toMatch(/PUPI: a1 {2}b2 {2}c3 {2}d4/i);
  }, 40_000);

  it.skipIf(!has('nfc-poll'))('nfc-poll (InAutoPoll) finds the chip', async () => {
    const r = await run('nfc-poll', [], new EchoCard('A'));
    expect(r.out).toMatch(/ISO\/IEC 14443A \(106 kbps\) target/);
    expect(r.out).toMatch(/SAK \(SEL_RES\): 20/);
  }, 40_000);
});
