/**
 * The Electron preload (sandboxed, context-isolated). It exposes one small bridge on
 * `window.kioskBridge` and nothing else: commands go out on `kiosk:command`, events come in on
 * `kiosk:event`, readiness on `kiosk:ready`. No other channel can be reached from the page.
 * The renderer validates every reply and event with the contract's zod schemas
 * (renderer/src/api/bridge.ts); the main process validates every command.
 * Bundled to dist/preload.cjs by `npm run build` (a sandboxed preload cannot load other files).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const COMMAND = 'kiosk:command';
const EVENT = 'kiosk:event';
const READY = 'kiosk:ready';

contextBridge.exposeInMainWorld('kioskBridge', {
  send(message: unknown): Promise<unknown> {
    return ipcRenderer.invoke(COMMAND, message);
  },
  onEvent(listener: (message: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, message: unknown): void => listener(message);
    ipcRenderer.on(EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT, wrapped);
    };
  },
  ready(): void {
    ipcRenderer.send(READY);
  },
});
