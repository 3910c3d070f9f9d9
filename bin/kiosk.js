#!/usr/bin/env node
// The `kiosk` command. Runs the TypeScript sources through tsx in a checkout, or the compiled
// dist/ in a packaged build (where main/*.ts is not shipped).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'main/host/cli/main.ts');
const dist = path.join(root, 'dist/main/host/cli/main.js');

let entry;
if (existsSync(src) && process.env.KIOSK_USE_DIST !== '1') {
  const { register } = await import('tsx/esm/api');
  register();
  entry = src;
} else {
  entry = dist;
}
const mod = await import(pathToFileURL(entry).href);
await mod.main();
