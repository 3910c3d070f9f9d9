import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import type { BindingInterface } from '@serialport/bindings-cpp';
import { DeviceError } from '../../../../main/base/errors.js';
import { openSerialLink, type SerialLink } from '../../../../main/devices/serial/index.js';
import type { LinkStatus } from '../../../../main/devices/link.js';

/**
 * The mock binding with an unplug switch: while unplugged, open() fails and the open port's
 * pending read fails with a non-cancel error, which is how a real binding reports a vanished device.
 */
function unpluggableBinding() {
  const ports: MockPortBinding[] = [];
  let plugged = true;
  let stall = false;
  const binding = {
    list: () => MockBinding.list(),
    async open(options: Parameters<typeof MockBinding.open>[0]) {
      if (!plugged) throw new Error('ENOENT: no such device');
      const port = await MockBinding.open(options);
      const origRead = port.read.bind(port);
      port.read = async (buffer, offset, length) => {
        if (!plugged) throw new Error('EIO: device gone');
        return Promise.race([
          origRead(buffer, offset, length),
          new Promise<never>((_, reject) => {
            const t = setInterval(() => {
              if (!plugged) {
                clearInterval(t);
                reject(new Error('EIO: device gone'));
              }
            }, 5);
            t.unref();
          }),
        ]);
      };
      const origWrite = port.write.bind(port);
      port.write = (buffer) => (stall ? new Promise<void>(() => {}) : origWrite(buffer));
      ports.push(port);
      return port;
    },
  } as unknown as BindingInterface;
  return {
    binding,
    ports,
    unplug() {
      plugged = false;
    },
    plug() {
      plugged = true;
    },
    stallWrites(on: boolean) {
      stall = on;
    },
  };
}

const PATH = '/dev/ttyMOCK0';
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('openSerialLink (mock binding)', () => {
  let link: SerialLink | undefined;
  beforeEach(() => {
    MockBinding.reset();
    MockBinding.createPort(PATH, { echo: false, record: true });
  });
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it('opens, delivers received bytes to every listener and writes bytes out', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding });
    expect(link.isOpen).toBe(true);
    const got1: number[] = [];
    const got2: number[] = [];
    link.onData((c) => got1.push(...c));
    const off = link.onData((c) => got2.push(...c));
    b.ports[0]!.emitData(Buffer.from([1, 2, 3]));
    await until(() => got1.length === 3);
    off();
    b.ports[0]!.emitData(Buffer.from([4]));
    await until(() => got1.length === 4);
    expect(got1).toEqual([1, 2, 3, 4]);
    expect(got2).toEqual([1, 2, 3]);
    await link.write(Uint8Array.from([0xd4, 0x02]));
    expect([...b.ports[0]!.recording]).toEqual([0xd4, 0x02]);
  });

  it('rejects with DeviceError when the port cannot be opened', async () => {
    await expect(openSerialLink({ path: '/dev/ttyNOPE', baudRate: 9600, binding: MockBinding as unknown as BindingInterface })).rejects.toMatchObject({
      code: 'SERIAL_OPEN_FAILED',
    });
    await expect(openSerialLink({ path: PATH, baudRate: 0, binding: MockBinding as unknown as BindingInterface })).rejects.toBeInstanceOf(DeviceError);
  });

  it('a listener that throws does not stop the others or the link', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding });
    const got: number[] = [];
    link.onData(() => {
      throw new Error('bad listener');
    });
    link.onData((c) => got.push(...c));
    b.ports[0]!.emitData(Buffer.from([7]));
    b.ports[0]!.emitData(Buffer.from([8]));
    await until(() => got.length === 2);
    expect(link.isOpen).toBe(true);
  });

  it('reports a lost device, reconnects by itself when it returns, and keeps its listeners', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding, reconnect: { intervalMs: 20 } });
    const statuses: LinkStatus[] = [];
    const got: number[] = [];
    link.onStatus((s) => statuses.push(s));
    link.onData((c) => got.push(...c));

    b.unplug();
    await until(() => statuses.some((s) => s.state === 'reconnecting' && s.attempt >= 2));
    expect(statuses[0]).toMatchObject({ state: 'closed' });
    expect(link.isOpen).toBe(false);
    await expect(link.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'LINK_NOT_OPEN' });
    expect(statuses.every((s) => s.state !== 'open')).toBe(true);

    b.plug();
    await until(() => statuses.at(-1)?.state === 'open');
    expect(link.isOpen).toBe(true);
    const port = b.ports.at(-1)!;
    expect(b.ports.length).toBe(2);
    port.emitData(Buffer.from([9, 9]));
    await until(() => got.length === 2);
    await link.write(Uint8Array.of(5));
    expect([...port.recording]).toEqual([5]);
  });

  it('a write in flight when the device goes away rejects with DeviceError instead of hanging', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding, reconnect: { intervalMs: 20 } });
    b.stallWrites(true);
    const w1 = link.write(Uint8Array.of(1, 2, 3));
    const w2 = link.write(Uint8Array.of(4));
    b.unplug();
    await expect(w1).rejects.toMatchObject({ code: 'LINK_LOST' });
    await expect(w2).rejects.toMatchObject({ code: 'LINK_LOST' });
    b.stallWrites(false);
    b.plug();
    await until(() => link!.isOpen);
    await link.write(Uint8Array.of(6));
    expect([...b.ports.at(-1)!.recording]).toEqual([6]);
  });

  it('with reconnect: false, a lost device stays closed', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding, reconnect: false });
    const statuses: LinkStatus[] = [];
    link.onStatus((s) => statuses.push(s));
    b.unplug();
    await until(() => statuses.length >= 1);
    b.plug();
    await new Promise((r) => setTimeout(r, 100));
    expect(statuses).toEqual([{ state: 'closed', reason: 'EIO: device gone' }]);
    expect(link.state).toBe('closed');
  });

  it('close() stops reconnecting, reports closed once, and writes then reject', async () => {
    const b = unpluggableBinding();
    link = await openSerialLink({ path: PATH, baudRate: 9600, binding: b.binding, reconnect: { intervalMs: 10 } });
    const statuses: LinkStatus[] = [];
    link.onStatus((s) => statuses.push(s));
    b.unplug();
    await until(() => statuses.some((s) => s.state === 'reconnecting'));
    await link.close();
    const n = statuses.length;
    b.plug();
    await new Promise((r) => setTimeout(r, 80));
    expect(statuses.length).toBe(n);
    expect(statuses.at(-1)).toEqual({ state: 'closed', reason: 'closed by host' });
    await expect(link.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DeviceError);
    await link.close();
    expect(statuses.length).toBe(n);
  });
});
