import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { nullLogger, type Logger } from '../../base/log.js';
import { CONTRACT_VERSION, ReadyMessage, type EventMessage } from '../../contract/index.js';
import type { KioskBackend } from '../bridge/backend.js';
import { dispatchCommand } from '../bridge/dispatch.js';
import { contentSecurityPolicy } from '../bridge/csp.js';

/**
 * The browser host: the renderer and the contract over HTTP and WebSocket, on 127.0.0.1 only.
 * - A per-start token, embedded in the served page, is required to open the WebSocket; the
 *   WebSocket also checks Origin, and every request checks Host (against DNS rebinding).
 * - A strict Content-Security-Policy on every page.
 * - Events raised before a page says it is ready are queued per connection, not lost.
 */
export interface WebHostOptions {
  backend: KioskBackend;
  /** The built renderer (renderer/dist). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: Logger;
  /** Fixed token for tests; random per start otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export const CSP = contentSecurityPolicy(['ws://127.0.0.1:*']);

const MAX_MESSAGE = 8 * 1024 * 1024;
const MAX_QUEUE = 500;

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const log = opts.log ?? nullLogger;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;

  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (!hostOk(req)) return send(res, 421, 'wrong host');
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let rel = decodeURIComponent(url.pathname);
      if (rel === '/' || !path.extname(rel)) rel = '/index.html';
      const file = path.resolve(staticRoot, '.' + rel);
      if (!file.startsWith(staticRoot + path.sep)) return send(res, 403, 'forbidden');
      try {
        const st = await stat(file);
        if (!st.isFile()) return send(res, 404, 'not found');
        let body: Buffer = await readFile(file);
        if (path.basename(file) === 'index.html') {
          const html = body.toString('utf8').replace('__KIOSK_TOKEN__', token);
          body = Buffer.from(html, 'utf8');
        }
        send(res, 200, body, MIME[path.extname(file)] ?? 'application/octet-stream');
      } catch {
        send(res, 404, 'not found');
      }
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const expected = Buffer.from(token);

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const originOk = req.headers.origin === `http://127.0.0.1:${port}` || req.headers.origin === `http://localhost:${port}`;
    if (url.pathname !== '/ws' || !hostOk(req) || !originOk || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  const onConnection = (ws: WebSocket): void => {
    const client = { id: randomUUID(), transport: 'websocket' as const };
    let ready = false;
    const queue: EventMessage[] = [];
    const deliver = (e: EventMessage): void => {
      if (!ready) {
        queue.push(e);
        if (queue.length > MAX_QUEUE) queue.shift();
        return;
      }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
    };
    const unsubscribe = opts.backend.subscribe(deliver);
    ws.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ type: 'reply', id: -1, ok: false, error: { code: 'BAD_JSON', message: 'message is not JSON' } }));
        return;
      }
      if (ReadyMessage.safeParse(msg).success) {
        if ((msg as { v: number }).v !== CONTRACT_VERSION) {
          ws.close(4000, 'contract version mismatch');
          return;
        }
        ready = true;
        for (const e of queue.splice(0)) ws.send(JSON.stringify(e));
        return;
      }
      void dispatchCommand(opts.backend, msg, client, log).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
    ws.on('close', () => unsubscribe());
    ws.on('error', () => unsubscribe());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  log.info('browser host listening', { port });

  return {
    url,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
