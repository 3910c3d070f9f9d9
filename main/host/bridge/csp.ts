/**
 * The Content-Security-Policy of every kiosk page, in the browser host and in Electron: scripts,
 * styles and fonts from the app itself only (no inline code, no eval), images from the app or
 * data:/blob: URLs (the officer's photos), nothing framed, no forms posted anywhere. The two
 * carriers differ only in where the page may connect.
 */
export function contentSecurityPolicy(connectSrc: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
