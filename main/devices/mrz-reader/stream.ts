import { Transform, type TransformCallback } from 'node:stream';
import type { FormatError } from '../../base/errors.js';
import type { FramedDocument, FramerOptions, FramingMode } from './framer.js';
import { createFramer } from './create.js';

export type FramerEvent = { type: 'document'; document: FramedDocument } | { type: 'error'; error: FormatError };

/**
 * A framer as a node:stream Transform (bytes in, objects out), in the style of node-serialport's
 * parsers: `port.pipe(new FramerStream('auto')).on('data', (e: FramerEvent) => ...)`.
 * Framing errors are data (`{type: 'error'}`), not stream errors: a bad frame never ends the pipe.
 */
export class FramerStream extends Transform {
  private readonly framer;

  constructor(mode: FramingMode, opts: FramerOptions = {}) {
    super({ readableObjectMode: true });
    this.framer = createFramer(
      mode,
      {
        document: (document) => this.push({ type: 'document', document } satisfies FramerEvent),
        error: (error) => this.push({ type: 'error', error } satisfies FramerEvent),
      },
      opts,
    );
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.framer.push(chunk);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.framer.flush();
    cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.framer.reset();
    cb(err);
  }
}
