#!/usr/bin/env node
// `npm start`: installs what is missing (first run on a fresh machine), then runs the kiosk:
// in Electron when its binary is present (a kiosk build), in the browser host otherwise (this
// prints `Kiosk UI at http://127.0.0.1:PORT` and opens Chromium in app mode when there is a
// display). With no device configured in KIOSK_CONFIG, the kiosk runs on the simulators.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync('bash', [path.join(root, 'scripts/setup.sh')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

function electronBinary() {
  // The electron package writes path.txt only when its (disabled here) download succeeded.
  const pkg = path.join(root, 'node_modules/electron');
  const txt = path.join(pkg, 'path.txt');
  if (!existsSync(txt)) return null;
  const bin = path.join(pkg, 'dist', readFileSync(txt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const args = process.argv.slice(2);
let child;
const electron = process.env.KIOSK_NO_ELECTRON ? null : electronBinary();
if (electron) {
  if (!existsSync(path.join(root, 'dist/main/host/electron/main.js'))) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  child = spawn(electron, [root, ...args], { stdio: 'inherit', cwd: root });
} else {
  child = spawn(process.execPath, [path.join(root, 'bin/kiosk.js'), 'serve', ...args], { stdio: 'inherit', cwd: root });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
