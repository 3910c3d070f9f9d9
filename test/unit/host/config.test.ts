import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SIMULATION, loadConfig, parseConfig, usesSimulation } from '../../../main/host/config.js';
import { DEFAULT_POLICY } from '../../../main/kiosk/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('loadConfig', () => {
  it('no path: the defaults, on the simulators', async () => {
    const c = await loadConfig(undefined);
    expect(c.devices).toBeUndefined();
    expect(usesSimulation(c)).toBe(true);
    expect(c.simulation).toEqual(DEFAULT_SIMULATION);
    expect(c.policy).toBeUndefined();
    expect(c.source).toBeUndefined();
  });

  it('a full, good file: devices with defaults filled in, policy validated', async () => {
    const p = file(
      'good.json',
      JSON.stringify({
        kioskId: 'gate-3.k1',
        devices: { mrz: { port: '/dev/ttyUSB0', framing: 'rte' }, nfc: { port: '/dev/ttyUSB1', baudRate: 115200 } },
        simulation: { scenario: 'rotate' },
        policy: DEFAULT_POLICY,
        timeouts: { chipReading: { ms: 45000, warnBeforeMs: 10000 } },
        retention: { personalDataHours: 12, decisionDays: 7, vacuum: 'full' },
        storeImages: false,
        modelsDir: '/opt/kiosk/models',
        accounts: { maxFailedAttempts: 3, fourEyes: [{ kinds: ['ADMIT'], whenReasons: ['CHIP_PA_INVALID'] }] },
      }),
    );
    const c = await loadConfig(p);
    expect(c.devices).toEqual({ mrz: { port: '/dev/ttyUSB0', baudRate: 9600, framing: 'rte' }, nfc: { port: '/dev/ttyUSB1', baudRate: 115200 } });
    expect(usesSimulation(c)).toBe(false);
    expect(c.simulation.scenario).toBe('rotate');
    expect(c.simulation.placeDelayMs).toBe(DEFAULT_SIMULATION.placeDelayMs);
    expect(c.policy).toEqual(DEFAULT_POLICY);
    expect(c.timeouts?.chipReading).toEqual({ ms: 45000, warnBeforeMs: 10000 });
    expect(c.retention?.vacuum).toBe('full');
    expect(c.accounts?.maxFailedAttempts).toBe(3);
    expect(c.modelsDir).toBe('/opt/kiosk/models');
    expect(c.source).toBe(p);
  });

  it('a relative models folder is relative to the configuration file', async () => {
    const c = await loadConfig(file('rel.json', JSON.stringify({ modelsDir: 'models' })));
    expect(c.modelsDir).toBe(path.join(dir, 'models'));
  });

  it('an empty devices object means the simulators', async () => {
    expect(usesSimulation(parseConfig({ devices: {} }))).toBe(true);
  });

  it('a missing file is an error, not a silent switch to the simulators', async () => {
    const e = await rejection(loadConfig(path.join(dir, 'nope.json')));
    expect(e.code).toBe('CONFIG_NOT_FOUND');
  });

  it('not JSON', async () => {
    const e = await rejection(loadConfig(file('bad.json', '{"devices": ')));
    expect(e.code).toBe('CONFIG_NOT_JSON');
  });

  it.each([
    [{ devices: { mrz: { port: '' } } }, 'devices.mrz.port'],
    [{ devices: { mrz: { port: '/dev/x', framing: 'morse' } } }, 'devices.mrz.framing'],
    [{ devices: { nfc: { port: '/dev/x', baudRate: 'fast' } } }, 'devices.nfc.baudRate'],
    [{ devices: { nfc: { port: '/dev/x', baudRate: 12.5 } } }, 'devices.nfc.baudRate'],
    [{ devices: { nfc: { prot: '/dev/x' } } }, 'devices.nfc.port'],
    [{ simulation: { scenario: 'forged' } }, 'simulation.scenario'],
    [{ simulation: { placeDelayMs: -1 } }, 'simulation.placeDelayMs'],
    [{ timeouts: { chipReading: { ms: 0, warnBeforeMs: 0 } } }, 'timeouts.chipReading.ms'],
    [{ retention: { personalDataHours: 1 } }, 'retention.decisionDays'],
    [{ storeImages: 'yes' }, 'storeImages'],
    [{ accounts: { fourEyes: [{ kinds: ['PARDON'] }] } }, 'accounts.fourEyes.0.kinds.0'],
    [{ policy: { version: '' } }, 'policy'],
    [{ kioskId: 'gate 3' }, 'kioskId'],
    [{ devises: {} }, 'devises'],
    [[], '(root)'],
  ])('invalid %j names %s', async (value, field) => {
    const e = await rejection(loadConfig(file('x.json', JSON.stringify(value))));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details['field']).toBe(field);
    expect(e.message).toContain(field === '(root)' ? 'invalid configuration' : field.split('.')[0]!);
  });
});
