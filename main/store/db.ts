/**
 * A small promise wrapper over one sqlite3 connection. Every operation of the store runs inside
 * `exclusive` (or `tx`, which adds BEGIN IMMEDIATE … COMMIT), so that the async steps of one
 * transaction never interleave with another caller's statements on the same connection.
 */
import sqlite3 from 'sqlite3';
import { KioskError } from '../base/errors.js';

/** Storage failures, with stable codes the core turns into a REFER reason. */
export class StorageError extends KioskError {}

const UNAVAILABLE = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PERM', 'SQLITE_MISUSE']);

export function toStorageError(e: unknown): KioskError {
  if (e instanceof KioskError) return e;
  const code = (e as { code?: string })?.code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_FULL') return new StorageError('STORAGE_FULL', 'the disk or database is full', { sqlite: code }, { cause: e });
  if (UNAVAILABLE.has(code)) return new StorageError('STORAGE_UNAVAILABLE', `the database is unavailable (${code})`, { sqlite: code }, { cause: e });
  if (code === 'SQLITE_CONSTRAINT') return new StorageError('STORAGE_CONSTRAINT', message, { sqlite: code }, { cause: e });
  return new StorageError('STORAGE_ERROR', message, { sqlite: code }, { cause: e });
}

export type SqlValue = string | number | bigint | Uint8Array | Buffer | null;

export class Db {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly raw: sqlite3.Database,
    readonly path: string,
  ) {}

  static open(path: string, opts: { readOnly?: boolean } = {}): Promise<Db> {
    const mode = opts.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    return new Promise((resolve, reject) => {
      const raw = new sqlite3.Database(path, mode, (err) => (err ? reject(toStorageError(err)) : resolve(new Db(raw, path))));
    });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ lastID: number; changes: number }> {
    return new Promise((resolve, reject) => {
      this.raw.run(sql, params as unknown[], function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(toStorageError(err));
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    });
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.get(sql, params as unknown[], (err: Error | null, row: T | undefined) => (err ? reject(toStorageError(err)) : resolve(row)));
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.raw.all(sql, params as unknown[], (err: Error | null, rows: T[]) => (err ? reject(toStorageError(err)) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.raw.exec(sql, (err) => (err ? reject(toStorageError(err)) : resolve())));
  }

  /** Runs `fn` with the connection to itself (a mutex over the connection). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('STORAGE_UNAVAILABLE', 'the database is closed'));
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** A write transaction (BEGIN IMMEDIATE): all of `fn` is committed, or nothing. */
  tx<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn();
        await this.exec('COMMIT');
        return out;
      } catch (e) {
        try {
          await this.exec('ROLLBACK');
        } catch {
          /* the transaction may already be gone (e.g. SQLITE_FULL rolled it back) */
        }
        throw toStorageError(e);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async () => undefined);
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(toStorageError(err)) : resolve())));
  }
}
