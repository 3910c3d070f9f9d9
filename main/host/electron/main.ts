/**
 * The Electron shell: a thin composition root. It creates the same kiosk backend the browser host
 * uses and carries the contract over IPC instead of a WebSocket. The only folder that imports
 * `electron`.
 *
 * Hardening: kiosk-mode BrowserWindow; contextIsolation and sandbox on, nodeIntegration off; the
 * app served from the privileged custom scheme kiosk://app (never file://) with a strict CSP;
 * navigation and new windows blocked; permission requests denied except fullscreen; every IPC
 * message's sender frame checked against the app origin; a single-instance lock; devtools and
 * reload keys off in production. Events raised before the window says it is ready are queued.
 */
import { app, BrowserWindow, ipcMain, protocol, session, net, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from '../../base/log.js';
import { IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, type EventMessage } from '../../contract/index.js';
import { dispatchCommand } from '../bridge/dispatch.js';
import type { KioskBackend } from '../bridge/backend.js';
import { APP_ORIGIN, APP_SCHEME, ELECTRON_CSP, isAppUrl, isBlockedKey, isPermissionAllowed, resolveAppPath } from './security.js';

const log = createLogger('electron');
const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '../../../..');
const rendererDir = path.join(appRoot, 'renderer/dist');
const preloadPath = path.join(appRoot, 'dist/preload.cjs');
const production = app.isPackaged || process.env.NODE_ENV === 'production';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
}

async function createBackend(): Promise<{ backend: KioskBackend; close(): Promise<void> }> {
  // The same composition as the browser host (main/host/web), loaded lazily.
  const { createBackendForHost } = await import('../web/compose.js');
  return createBackendForHost({ log });
}

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.on('before-input-event', (e, input) => {
    if (isBlockedKey(input, production)) e.preventDefault();
  });
  if (production) contents.on('devtools-opened', () => contents.closeDevTools());
}

async function start(): Promise<void> {
  await app.whenReady();
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(rendererDir, request.url, path.join, path.normalize);
    if (!file) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', ELECTRON_CSP);
    return new Response(res.body, { status: res.status, headers });
  });

  const { backend, close } = await createBackend();

  const win = new BrowserWindow({
    kiosk: production,
    fullscreen: production,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: !production,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  hardenContents(win.webContents);
  app.on('web-contents-created', (_e, contents) => hardenContents(contents));
  win.once('ready-to-show', () => win.show());

  // Events are queued until the renderer says it is ready, so an early scanner event is not lost.
  let rendererReady = false;
  const queue: EventMessage[] = [];
  const unsubscribe = backend.subscribe((event) => {
    if (!rendererReady || win.isDestroyed()) {
      queue.push(event);
      if (queue.length > 500) queue.shift();
      return;
    }
    win.webContents.send(IPC_EVENT_CHANNEL, event);
  });

  const senderOk = (frame: Electron.WebFrameMain | null): boolean => !!frame && frame === win.webContents.mainFrame && isAppUrl(frame.url);

  ipcMain.handle(IPC_COMMAND_CHANNEL, async (event, raw: unknown) => {
    if (!senderOk(event.senderFrame)) {
      log.warn('IPC from an unexpected sender refused');
      return { type: 'reply', id: -1, ok: false, error: { code: 'FORBIDDEN', message: 'unexpected sender' } };
    }
    return dispatchCommand(backend, raw, { id: String(event.sender.id), transport: 'electron-ipc' }, log);
  });
  ipcMain.on(IPC_READY_CHANNEL, (event) => {
    if (!senderOk(event.senderFrame)) return;
    rendererReady = true;
    for (const e of queue.splice(0)) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
  win.webContents.on('did-start-navigation', () => {
    rendererReady = false;
  });

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    unsubscribe();
    void close();
  });

  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

start().catch((e: unknown) => {
  log.error('the kiosk shell failed to start', { error: e instanceof Error ? e : new Error(String(e)) });
  app.exit(1);
});
