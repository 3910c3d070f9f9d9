/**
 * Biometric images held in memory only (the chip photo, the printed page), for the officer's case
 * view. Dropped when the case closes, when the session ends without a referral, or after maxAgeMs.
 */
import type { Clock } from '../base/clock.js';
import type { StoredImage } from './ports.js';

export class MemoryImageCache {
  private readonly items = new Map<string, { at: number; images: StoredImage[] }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAgeMs = 4 * 3_600_000,
  ) {}

  put(sessionId: string, image: StoredImage): void {
    this.sweep();
    const e = this.items.get(sessionId) ?? { at: this.clock.now(), images: [] };
    // Our own copy: drop() wipes it, and must not wipe a buffer the caller still uses.
    e.images = e.images.filter((i) => i.kind !== image.kind).concat({ ...image, bytes: image.bytes.slice() });
    this.items.set(sessionId, e);
  }

  get(sessionId: string): StoredImage[] {
    this.sweep();
    return this.items.get(sessionId)?.images ?? [];
  }

  drop(sessionId: string): void {
    const e = this.items.get(sessionId);
    if (e) for (const i of e.images) i.bytes.fill(0);
    this.items.delete(sessionId);
  }

  size(): number {
    return this.items.size;
  }

  sweep(): void {
    const limit = this.clock.now() - this.maxAgeMs;
    for (const [k, e] of this.items) if (e.at < limit) this.drop(k);
  }
}
