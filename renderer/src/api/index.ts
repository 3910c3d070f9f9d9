import type { KioskApi } from '../../../main/contract/index.js';
import { wrapBridge, type RawBridge } from './bridge.js';
import { connectWebSocket } from './ws-client.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (renderer/preload/preload.ts) under contextIsolation. */
    kioskBridge?: RawBridge;
  }
}

/** The Electron preload's bridge when present, the browser host's WebSocket otherwise. */
export function createApi(): KioskApi {
  if (window.kioskBridge) return wrapBridge(window.kioskBridge);
  const token = document.querySelector('meta[name="kiosk-token"]')?.getAttribute('content') ?? '';
  return connectWebSocket(token);
}

export { ApiError } from './ws-client.js';
