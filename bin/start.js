#!/usr/bin/env node
// `npm start`: installs what is missing (first run on a fresh machine), then runs the kiosk.
// Uses Electron when its binary is present, the browser host otherwise.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync('bash', [path.join(root, 'scripts/setup.sh')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const child = spawn(process.execPath, [path.join(root, 'bin/kiosk.js'), 'serve', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
