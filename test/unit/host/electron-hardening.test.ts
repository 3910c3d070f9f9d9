import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ORIGIN, ELECTRON_CSP, isAppUrl, isBlockedKey, isPermissionAllowed, resolveAppPath } from '../../../main/host/electron/security.js';

// Electron cannot run on this machine (its binary is not downloadable), so the shell is kept thin,
// type-checked (main/host/electron/tsconfig.json in `npm test`), and its decisions tested here.

describe('Electron shell hardening', () => {
  it('keeps navigation inside the app origin', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('kiosk://other/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('denies every permission but fullscreen', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb']) expect(isPermissionAllowed(p)).toBe(false);
    expect(isPermissionAllowed('fullscreen')).toBe(true);
  });

  it('swallows reload and devtools keys in production only', () => {
    const k = (key: string, mods: Partial<{ control: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({ key, control: false, meta: false, shift: false, alt: false, ...mods });
    expect(isBlockedKey(k('r', { control: true }), true)).toBe(true);
    expect(isBlockedKey(k('F5'), true)).toBe(true);
    expect(isBlockedKey(k('I', { control: true, shift: true }), true)).toBe(true);
    expect(isBlockedKey(k('F12'), true)).toBe(true);
    expect(isBlockedKey(k('a'), true)).toBe(false);
    expect(isBlockedKey(k('r', { control: true }), false)).toBe(false);
  });

  it('serves only files inside the renderer folder', () => {
    const root = '/app/renderer/dist';
    expect(resolveAppPath(root, `${APP_ORIGIN}/`, path.join, path.normalize)).toBe('/app/renderer/dist/index.html');
    expect(resolveAppPath(root, `${APP_ORIGIN}/assets/a.js`, path.join, path.normalize)).toBe('/app/renderer/dist/assets/a.js');
    expect(resolveAppPath(root, `${APP_ORIGIN}/..%2f..%2fsecret`, path.join, path.normalize)).toBeNull();
  });

  it('has a CSP without inline scripts, eval or remote origins', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/unsafe-(inline|eval)/);
    expect(ELECTRON_CSP).not.toMatch(/https?:/);
  });

  it('creates its window with the hardened webPreferences and checks every IPC sender', () => {
    const src = readFileSync('main/host/electron/main.ts', 'utf8');
    expect(src).toMatch(/contextIsolation:\s*true/);
    expect(src).toMatch(/sandbox:\s*true/);
    expect(src).toMatch(/nodeIntegration:\s*false/);
    expect(src).toMatch(/webSecurity:\s*true/);
    expect(src).toMatch(/devTools:\s*!production/);
    expect(src).toMatch(/kiosk:\s*production/);
    expect(src).toMatch(/requestSingleInstanceLock\(\)/);
    expect(src).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(src).toMatch(/senderOk\(event\.senderFrame\)/);
    expect(src).toMatch(/protocol\.handle\(APP_SCHEME/);
    expect(src).not.toMatch(/loadFile\(|loadURL\(\s*['"`]file:/);
  });

  it('packages with the Electron fuses set and native modules unpacked', () => {
    const yml = readFileSync('electron-builder.yml', 'utf8');
    expect(yml).toMatch(/runAsNode:\s*false/);
    expect(yml).toMatch(/enableNodeOptionsEnvironmentVariable:\s*false/);
    expect(yml).toMatch(/enableNodeCliInspectArguments:\s*false/);
    expect(yml).toMatch(/onlyLoadAppFromAsar:\s*true/);
    for (const m of ['sqlite3', '@serialport/bindings-cpp', 'onnxruntime-node']) expect(yml).toContain(`node_modules/${m}/**`);
    for (const t of ['AppImage', 'deb']) expect(yml).toContain(`target: ${t}`);
    expect(yml).toMatch(/arch: \[x64, arm64\]/);
  });

  it('the preload exposes only the kiosk: channels', () => {
    const src = readFileSync('renderer/preload/preload.ts', 'utf8');
    const channels = [...src.matchAll(/'(kiosk:[a-z]+)'/g)].map((m) => m[1]);
    expect(new Set(channels)).toEqual(new Set(['kiosk:command', 'kiosk:event', 'kiosk:ready']));
    expect(src.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(src).not.toMatch(/ipcRenderer\.(sendSync|invoke\(\s*[a-z])/);
  });
});
