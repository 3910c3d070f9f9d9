/**
 * Hardening decisions of the Electron shell, kept free of `electron` imports so they can be unit
 * tested without the Electron binary.
 */
import { contentSecurityPolicy } from '../bridge/csp.js';

export const APP_SCHEME = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The CSP for every document of the app (served from the custom protocol, never file://). */
export const ELECTRON_CSP = contentSecurityPolicy([]);

/** Whether a navigation target stays inside the app. Everything else is blocked. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** Permissions the kiosk needs: none but fullscreen (kiosk mode). Speech synthesis needs none. */
const ALLOWED_PERMISSIONS = new Set(['fullscreen']);
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** Keys that reload the page or open developer tools: swallowed in production. */
export function isBlockedKey(input: { key: string; control: boolean; meta: boolean; shift: boolean; alt: boolean }, production: boolean): boolean {
  if (!production) return false;
  const k = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (k === 'f5' || k === 'f12' || k === 'f11') return true;
  if (mod && (k === 'r' || k === 'w' || k === 'q' || k === 'n' || k === 't' || k === 'p' || k === 'o' || k === 's' || k === '+' || k === '-' || k === '=')) return true;
  if (mod && input.shift && (k === 'i' || k === 'j' || k === 'c')) return true;
  if (input.alt && (k === 'f4' || k === 'arrowleft' || k === 'arrowright')) return true;
  return false;
}

/** Maps a request path of the custom protocol to a file inside the renderer folder, or null. */
export function resolveAppPath(rootDir: string, url: string, join: (...p: string[]) => string, normalize: (p: string) => string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const file = normalize(join(rootDir, pathname));
  const root = normalize(rootDir);
  if (!file.startsWith(root)) return null;
  return file;
}
