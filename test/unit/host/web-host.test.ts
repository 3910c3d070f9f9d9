import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../../main/host/web/server.js';
import type { KioskBackend } from '../../../main/host/bridge/backend.js';
import { CONTRACT_VERSION, makeEvent, type EventMessage, type TravellerView } from '../../../main/contract/index.js';

const view = (phase: TravellerView['phase']): TravellerView => ({
  sessionId: null, phase, language: 'en', progress: null, reasons: [], timeout: null, message: null, officerRequested: false,
});

function fakeBackend() {
  const listeners = new Set<(e: EventMessage) => void>();
  const backend: KioskBackend = {
    async handle(name, payload) {
      if (name === 'traveller.view') return view('welcome') as never;
      if (name === 'traveller.setLanguage') return { ...view('welcome'), language: (payload as { language: 'ar' }).language } as never;
      if (name === 'officer.queue') return { items: 'not an array' } as never; // a broken backend reply
      throw new Error('boom');
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { backend, emit: (e: EventMessage) => listeners.forEach((l) => l(e)) };
}

function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

describe('browser host', () => {
  let dir: string;
  let host: WebHost;
  let fb: ReturnType<typeof fakeBackend>;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kiosk-web-'));
    writeFileSync(path.join(dir, 'index.html'), '<meta name="kiosk-token" content="__KIOSK_TOKEN__">');
    fb = fakeBackend();
    host = await startWebHost({ backend: fb.backend, staticDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback only and serves the page with the token and a strict CSP', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpGet(host.url + '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain(host.token);
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });

  it('refuses a foreign Host header and path traversal', async () => {
    expect((await httpGet(host.url + '/', { Host: 'evil.example:80' })).status).toBe(421);
    const secret = path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`);
    writeFileSync(secret, 'secret');
    try {
      const res = await httpGet(`${host.url}/..%2f${path.basename(secret)}`);
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('secret');
    } finally {
      rmSync(secret);
    }
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    await expect(open(`ws://127.0.0.1:${host.port}/ws?token=wrong`, host.url)).rejects.toThrow();
    await expect(open(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, 'http://evil.example')).rejects.toThrow();
  });

  it('answers validated commands and reports invalid ones as typed errors', async () => {
    const ws = await open(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, host.url);
    ws.send(JSON.stringify({ type: 'command', v: CONTRACT_VERSION, id: 1, name: 'traveller.setLanguage', payload: { language: 'ar' } }));
    const r1 = await nextMessage(ws);
    expect(r1).toMatchObject({ id: 1, ok: true, result: { language: 'ar' } });
    ws.send(JSON.stringify({ type: 'command', v: CONTRACT_VERSION, id: 2, name: 'traveller.setLanguage', payload: { language: 'xx' } }));
    expect(await nextMessage(ws)).toMatchObject({ id: 2, ok: false, error: { code: 'BAD_REQUEST' } });
    ws.send(JSON.stringify({ type: 'command', v: CONTRACT_VERSION, id: 3, name: 'no.such', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    ws.send(JSON.stringify({ type: 'command', v: CONTRACT_VERSION, id: 4, name: 'officer.queue', payload: { token: 't' } }));
    expect(await nextMessage(ws)).toMatchObject({ id: 4, ok: false, error: { code: 'BAD_RESPONSE' } });
    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({ ok: false, error: { code: 'BAD_JSON' } });
    ws.close();
  });

  it('queues events raised before the renderer is ready and delivers them in order', async () => {
    const ws = await open(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, host.url);
    const got: unknown[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString())));
    fb.emit(makeEvent('traveller.view', view('place-document')));
    fb.emit(makeEvent('traveller.view', view('reading-mrz')));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(0);
    ws.send(JSON.stringify({ type: 'ready', v: CONTRACT_VERSION }));
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((m) => (m as { payload: TravellerView }).payload.phase)).toEqual(['place-document', 'reading-mrz']);
    ws.close();
  });
});
