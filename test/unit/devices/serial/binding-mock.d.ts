/**
 * Types for @serialport/binding-mock 10: its package.json "exports" map has no "types" entry, so
 * NodeNext resolution cannot find dist/index.d.ts. This restates the part of its API the tests use
 * (declared once for the whole project: test code of any device may import the mock binding).
 */
declare module '@serialport/binding-mock' {
  import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-cpp';

  export interface CreatePortOptions {
    echo?: boolean;
    record?: boolean;
    readyData?: Buffer;
    maxReadSize?: number;
    manufacturer?: string;
    vendorId?: string;
    productId?: string;
  }
  export class MockPortBinding implements BindingPortInterface {
    readonly openOptions: Required<OpenOptions>;
    lastWrite: null | Buffer;
    recording: Buffer;
    isOpen: boolean;
    emitData(data: Buffer | string): void;
    close(): Promise<void>;
    read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
    write(buffer: Buffer): Promise<void>;
    update(options: { baudRate: number }): Promise<void>;
    set(options: object): Promise<void>;
    get(): Promise<{ cts: boolean; dsr: boolean; dcd: boolean }>;
    getBaudRate(): Promise<{ baudRate: number }>;
    flush(): Promise<void>;
    drain(): Promise<void>;
  }
  export interface MockBindingInterface extends BindingInterface<MockPortBinding> {
    reset(): void;
    createPort(path: string, opt?: CreatePortOptions): void;
  }
  export const MockBinding: MockBindingInterface;
  export class CanceledError extends Error {
    canceled: true;
  }
}
