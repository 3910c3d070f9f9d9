/**
 * Sealing of personal data: AES-256-GCM, a fresh random 96-bit nonce per record, the row's
 * identity (table + id) as additional authenticated data, so that a sealed blob moved to another
 * row does not open. Blob layout: version (0x01) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
 * The key comes from a KeyProvider: a 0600 key file here; a TPM or OS keystore can replace it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KeyProvider, Sealer } from '../kiosk/ports.js';
import { StorageError } from './db.js';

const VERSION = 0x01;

/** AES-256-GCM encryption with an explicit nonce (exported for the published test vectors). */
export function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  return { ciphertext: new Uint8Array(ciphertext), tag: new Uint8Array(c.getAuthTag()) };
}

export function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  d.setAAD(aad);
  d.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

export class AesGcmSealer implements Sealer {
  private key: Promise<Uint8Array> | null = null;

  constructor(private readonly keys: KeyProvider) {}

  private getKey(): Promise<Uint8Array> {
    this.key ??= this.keys.getKey().then((k) => {
      if (k.length !== 32) throw new StorageError('SEAL_KEY_INVALID', 'the sealing key must be 32 bytes');
      return k;
    });
    return this.key;
  }

  async seal(plain: Uint8Array, aad: string): Promise<Uint8Array> {
    const key = await this.getKey();
    const nonce = randomBytes(12);
    const { ciphertext, tag } = gcmEncrypt(key, nonce, plain, Buffer.from(aad, 'utf8'));
    const out = new Uint8Array(1 + 12 + ciphertext.length + 16);
    out[0] = VERSION;
    out.set(nonce, 1);
    out.set(ciphertext, 13);
    out.set(tag, 13 + ciphertext.length);
    return out;
  }

  async open(sealed: Uint8Array, aad: string): Promise<Uint8Array> {
    const key = await this.getKey();
    if (sealed.length < 29 || sealed[0] !== VERSION) throw new StorageError('SEAL_FORMAT', 'not a sealed record');
    try {
      return gcmDecrypt(key, sealed.subarray(1, 13), sealed.subarray(13, sealed.length - 16), sealed.subarray(sealed.length - 16), Buffer.from(aad, 'utf8'));
    } catch (e) {
      throw new StorageError('SEAL_OPEN_FAILED', 'a sealed record failed authentication (tampered, moved or wrong key)', {}, { cause: e });
    }
  }

  async sealJson(value: unknown, aad: string): Promise<Uint8Array> {
    return this.seal(Buffer.from(JSON.stringify(value, bytesReplacer), 'utf8'), aad);
  }

  async openJson<T>(sealed: Uint8Array, aad: string): Promise<T> {
    return JSON.parse(Buffer.from(await this.open(sealed, aad)).toString('utf8'), bytesReviver) as T;
  }
}

/** Uint8Array survives JSON as {"$bytes": base64}. */
export function bytesReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  return v;
}

export function bytesReviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $bytes?: unknown }).$bytes === 'string' && Object.keys(v).length === 1) {
    return new Uint8Array(Buffer.from((v as { $bytes: string }).$bytes, 'base64'));
  }
  return v;
}

/**
 * The sealing key in a file readable by its owner only (0600), created on first use in a 0700
 * folder. A key file that others can read is refused, never silently used.
 */
export class FileKeyProvider implements KeyProvider {
  readonly keyId: string;

  constructor(readonly file: string) {
    this.keyId = `file:${path.basename(file)}`;
  }

  async getKey(): Promise<Uint8Array> {
    try {
      const st = await stat(this.file);
      if ((st.mode & 0o077) !== 0) {
        throw new StorageError('KEY_FILE_PERMISSIONS', `key file must be mode 0600 (is ${(st.mode & 0o777).toString(8)})`);
      }
      const k = await readFile(this.file);
      if (k.length !== 32) throw new StorageError('SEAL_KEY_INVALID', 'the key file must hold exactly 32 bytes');
      return new Uint8Array(k);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    try {
      const fh = await open(this.file, 'wx', 0o600);
      try {
        await fh.writeFile(key);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await chmod(this.file, 0o600);
      return new Uint8Array(key);
    } catch (e) {
      // Another process created it first: use theirs.
      if ((e as { code?: string }).code === 'EEXIST') return this.getKey();
      throw e;
    }
  }
}
